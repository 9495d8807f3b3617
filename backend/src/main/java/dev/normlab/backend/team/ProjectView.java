package dev.normlab.backend.team;

import java.time.OffsetDateTime;

/** A project and the team it belongs to. */
public record ProjectView(long id, String name, long teamId, String team, OffsetDateTime createdAt) {
}
