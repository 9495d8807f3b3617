package dev.normlab.backend.team;

import java.time.OffsetDateTime;

/** @param role the caller's role in the team (null for an admin who is not a member) */
public record TeamView(long id, String name, TeamRole role, OffsetDateTime createdAt) {
}
