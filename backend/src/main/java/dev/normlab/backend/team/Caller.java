package dev.normlab.backend.team;

import java.util.Map;
import java.util.Set;

/**
 * Who is calling: a user (bearer token or browser session) or a worker token. Controllers take it as a
 * method argument; the security layer resolves it once per request.
 *
 * @param tokenId the bearer token used, null for a browser session
 * @param userId null for worker tokens
 * @param name the user's name, or the worker token's name
 * @param admin a platform admin (creates users and teams)
 * @param roles the caller's role in each of its teams (empty for workers)
 * @param workerTeamId for a worker token: the team whose runs it may take, null for a platform worker token
 */
public record Caller(Kind kind, Long tokenId, Long userId, String name, boolean admin, Map<Long, TeamRole> roles,
        Long workerTeamId) {

    public enum Kind { USER, WORKER }

    public Caller {
        roles = Map.copyOf(roles);
    }

    public static Caller user(Long tokenId, long userId, String name, boolean admin, Map<Long, TeamRole> roles) {
        return new Caller(Kind.USER, tokenId, userId, name, admin, roles, null);
    }

    public static Caller worker(long tokenId, String name, Long teamId) {
        return new Caller(Kind.WORKER, tokenId, null, name, false, Map.of(), teamId);
    }

    public boolean isWorker() {
        return kind == Kind.WORKER;
    }

    /** The teams whose projects and runs a user may see. */
    public Set<Long> teamIds() {
        return roles.keySet();
    }

    public boolean mayChangeRunsOf(long teamId) {
        TeamRole role = roles.get(teamId);
        return role != null && role.mayChangeRuns();
    }

    public boolean isOwnerOf(long teamId) {
        return roles.get(teamId) == TeamRole.OWNER;
    }

    /** A worker token may touch runs of its own team, or of every team when it is a platform token. */
    public boolean mayWorkFor(long teamId) {
        return isWorker() && (workerTeamId == null || workerTeamId == teamId);
    }
}
