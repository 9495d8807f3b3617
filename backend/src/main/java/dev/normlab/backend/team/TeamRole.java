package dev.normlab.backend.team;

/** A member's role in one team. */
public enum TeamRole {
    /** manages members, projects and the team's worker tokens; everything a member may do */
    OWNER,
    /** submits, cancels, clones, edits and deletes the team's runs */
    MEMBER,
    /** reads only */
    VIEWER;

    public boolean mayChangeRuns() {
        return this != VIEWER;
    }
}
