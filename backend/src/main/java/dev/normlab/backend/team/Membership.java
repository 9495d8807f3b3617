package dev.normlab.backend.team;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.io.Serializable;

/** A user's role in a team. */
@Entity
@Table(name = "team_members")
public class Membership {

    @Embeddable
    public record Key(@Column(name = "team_id") Long teamId, @Column(name = "user_id") Long userId) implements Serializable {
    }

    @EmbeddedId
    private Key id;
    @Enumerated(EnumType.STRING)
    private TeamRole role;

    protected Membership() {
    }

    public Membership(long teamId, long userId, TeamRole role) {
        this.id = new Key(teamId, userId);
        this.role = role;
    }

    public long teamId() {
        return id.teamId();
    }

    public long userId() {
        return id.userId();
    }

    public TeamRole getRole() {
        return role;
    }

    public void setRole(TeamRole role) {
        this.role = role;
    }
}
