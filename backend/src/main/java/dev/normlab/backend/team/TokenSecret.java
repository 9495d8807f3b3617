package dev.normlab.backend.team;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A bearer token: 32 random bytes, shown once; only its SHA-256 is stored, so a leaked database does not
 * leak working tokens. (A fast hash is enough: the secret has 256 bits of entropy, nothing to brute-force.)
 */
public record TokenSecret(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static TokenSecret generate(Caller.Kind kind) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String prefix = kind == Caller.Kind.WORKER ? "nlw_" : "nlu_";
        return new TokenSecret(prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    public String hash() {
        return hash(value);
    }

    public static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "TokenSecret[***]";
    }
}
