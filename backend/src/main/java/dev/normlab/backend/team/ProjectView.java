package dev.normlab.backend.team;

import java.time.OffsetDateTime;

/** A project and the team it belongs to; {@code archivedAt} set means read-only. */
public record ProjectView(long id, String name, long teamId, String team, OffsetDateTime createdAt,
        OffsetDateTime archivedAt) {

    public boolean archived() {
        return archivedAt != null;
    }
}
