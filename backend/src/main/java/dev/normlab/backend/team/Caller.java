package dev.normlab.backend.team;

import java.util.Set;

/**
 * Who is calling, resolved from the bearer token. Controllers take it as a method argument.
 *
 * @param userId null for worker tokens
 * @param teamIds the teams whose projects a user may see and change (empty for workers)
 */
public record Caller(long tokenId, Kind kind, Long userId, Set<Long> teamIds) {

    public enum Kind { USER, WORKER }

    public Caller {
        teamIds = Set.copyOf(teamIds);
    }

    public boolean isWorker() {
        return kind == Kind.WORKER;
    }
}
