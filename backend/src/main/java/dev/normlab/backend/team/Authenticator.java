package dev.normlab.backend.team;

import dev.normlab.backend.system.ApiProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Resolves an {@code Authorization: Bearer …} header to the {@link Caller}. Resolved callers are cached for
 * {@code normlab.api.token-cache} (default 5 s): the two lookups would otherwise be a third of a worker's claim.
 * A revoked token or a membership change therefore takes effect within that time.
 */
@Component
public class Authenticator {

    private static final String BEARER = "Bearer ";
    private static final int MAX_CACHED = 10_000;

    private final TeamRepository teams;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Caller caller, long expiresAt) {
    }

    Authenticator(TeamRepository teams, ApiProperties properties) {
        this.teams = teams;
        this.ttlNanos = properties.tokenCache().toNanos();
    }

    /** @throws UnauthorizedException when the header is missing, malformed, unknown or revoked */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new UnauthorizedException("missing bearer token: send 'Authorization: Bearer <token>'");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new UnauthorizedException("the Authorization header must use the Bearer scheme");
        }
        String hash = TokenSecret.hash(authorization.substring(BEARER.length()).trim());
        long now = System.nanoTime();
        Cached cached = cache.get(hash);
        if (cached != null && now - cached.expiresAt() < 0) {
            return cached.caller();
        }
        Caller caller = lookUp(hash);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(hash, new Cached(caller, now + ttlNanos));
        return caller;
    }

    private Caller lookUp(String hash) {
        TeamRepository.TokenRow token = teams.findActiveToken(hash)
                .orElseThrow(() -> new UnauthorizedException("unknown or revoked token"));
        Caller.Kind kind = Caller.Kind.valueOf(token.kind());
        return kind == Caller.Kind.WORKER
                ? new Caller(token.id(), kind, null, java.util.Set.of())
                : new Caller(token.id(), kind, token.userId(), teams.teamIdsOf(token.userId()));
    }
}
