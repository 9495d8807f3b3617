package dev.normlab.backend.queue;

import dev.normlab.backend.team.Caller;

/**
 * A worker agent as the queue sees it: its token (every call after the claim must come with the same one), the
 * team it works for (null: the platform, any team) and the name it gave.
 */
public record Worker(long tokenId, Long teamId, String name) {

    public static Worker of(Caller caller, String name) {
        return new Worker(caller.tokenId(), caller.workerTeamId(), name.trim());
    }
}
