package dev.normlab.backend.team;

import dev.normlab.backend.system.InvalidRequestException;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Password rules and hashing (Spring Security's delegating encoder: bcrypt). Passwords are never logged. */
@Component
public class Passwords {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PasswordEncoder encoder;

    Passwords(PasswordEncoder encoder) {
        this.encoder = encoder;
    }

    /** @throws InvalidRequestException naming {@code field} when the password is too short or too long */
    public String hash(String field, String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw new InvalidRequestException(field, "must be at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw new InvalidRequestException(field, "must be at most " + MAX_LENGTH + " characters");
        }
        return encoder.encode(password);
    }

    public boolean matches(String password, String hash) {
        return password != null && hash != null && encoder.matches(password, hash);
    }

    /** 18 random bytes as 24 URL-safe characters. */
    public static String generate() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
