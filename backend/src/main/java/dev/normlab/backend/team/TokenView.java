package dev.normlab.backend.team;

import java.time.OffsetDateTime;

/**
 * A token as listed: never the secret.
 *
 * @param team for a WORKER token, the team whose runs it may take; null for a platform worker token
 */
public record TokenView(long id, String name, Caller.Kind kind, String team, OffsetDateTime createdAt,
        OffsetDateTime lastUsedAt, OffsetDateTime revokedAt) {
}
