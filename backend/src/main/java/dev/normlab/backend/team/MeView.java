package dev.normlab.backend.team;

import java.util.List;

/** The signed-in user: who, whether a platform admin, and the role in each team. */
public record MeView(long id, String username, boolean admin, List<Membership> teams) {

    public record Membership(long id, String name, TeamRole role) {
    }
}
