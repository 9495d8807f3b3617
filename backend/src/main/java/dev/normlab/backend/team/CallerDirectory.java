package dev.normlab.backend.team;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.normlab.backend.system.ApiProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Resolves bearer tokens and signed-in users to a {@link Caller}, cached for {@code normlab.api.token-cache}
 * (default 5 s) because the lookups would otherwise be a third of a worker's claim. A revoked token, a disabled
 * user or a role change takes effect at once on this replica and within that time on the others.
 */
@Component
public class CallerDirectory {

    private static final long MAX_CACHED = 10_000;
    /** {@code lastUsedAt} is written at most this often per token. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final ApiTokenRepository tokens;
    private final UserRepository users;
    private final MembershipRepository memberships;
    private final Cache<String, Optional<Caller>> byTokenHash;
    private final Cache<Long, Optional<Caller>> byUser;
    private final Cache<Long, Boolean> recentlyTouched;

    CallerDirectory(ApiTokenRepository tokens, UserRepository users, MembershipRepository memberships,
            ApiProperties properties) {
        this.tokens = tokens;
        this.users = users;
        this.memberships = memberships;
        this.byTokenHash = Caffeine.newBuilder().maximumSize(MAX_CACHED).expireAfterWrite(properties.tokenCache()).build();
        this.byUser = Caffeine.newBuilder().maximumSize(MAX_CACHED).expireAfterWrite(properties.tokenCache()).build();
        this.recentlyTouched = Caffeine.newBuilder().maximumSize(MAX_CACHED).expireAfterWrite(TOUCH_INTERVAL).build();
    }

    /** The caller a token secret stands for; empty when it is unknown, revoked, or its user is disabled. */
    public Optional<Caller> forToken(String secret) {
        Optional<Caller> caller = byTokenHash.get(TokenSecret.hash(secret), this::lookUpToken);
        caller.ifPresent(c -> recentlyTouched.get(c.tokenId(), id -> tokens.touch(id) >= 0));
        return caller;
    }

    /** A signed-in user as a caller; empty when the user is gone or disabled. */
    public Optional<Caller> forUser(long userId) {
        return byUser.get(userId, id -> lookUpUser(id, null));
    }

    /** Forgets every cached caller, after a change to tokens, users or memberships. */
    public void evictAll() {
        byTokenHash.invalidateAll();
        byUser.invalidateAll();
    }

    private Optional<Caller> lookUpToken(String hash) {
        return tokens.findByTokenHashAndRevokedAtIsNull(hash).flatMap(token -> token.getKind() == Caller.Kind.WORKER
                ? Optional.of(Caller.worker(token.getId(), token.getName(), token.getTeamId()))
                : lookUpUser(token.getUserId(), token.getId()));
    }

    private Optional<Caller> lookUpUser(long userId, Long tokenId) {
        return users.findById(userId).filter(user -> !user.isDisabled()).map(user -> {
            Map<Long, TeamRole> roles = new HashMap<>();
            memberships.findByIdUserId(userId).forEach(m -> roles.put(m.teamId(), m.getRole()));
            return Caller.user(tokenId, userId, user.getName(), user.isAdmin(), roles);
        });
    }
}
