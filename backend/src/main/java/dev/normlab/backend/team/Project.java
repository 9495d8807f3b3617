package dev.normlab.backend.team;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A team's project: runs belong to one. An archived project is read-only and hidden from pickers. */
@Entity
@Table(name = "projects")
public class Project {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private long teamId;
    private String name;
    private OffsetDateTime archivedAt;
    @Column(insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    protected Project() {
    }

    public Project(long teamId, String name) {
        this.teamId = teamId;
        this.name = name;
    }

    public Long getId() {
        return id;
    }

    public long getTeamId() {
        return teamId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public boolean isArchived() {
        return archivedAt != null;
    }

    public void setArchived(boolean archived) {
        this.archivedAt = archived ? (archivedAt != null ? archivedAt : OffsetDateTime.now()) : null;
    }

    public OffsetDateTime getArchivedAt() {
        return archivedAt;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }
}
