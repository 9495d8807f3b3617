package dev.normlab.backend.team;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A bearer token, kept as the SHA-256 of its secret. USER tokens act as their user; WORKER tokens call only the
 * worker protocol, for one team ({@code teamId}) or for the platform ({@code teamId} null).
 */
@Entity
@Table(name = "api_tokens")
public class ApiToken {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String tokenHash;
    @Enumerated(EnumType.STRING)
    private Caller.Kind kind;
    private Long userId;
    private Long teamId;
    private Long createdBy;
    private String name;
    @Column(insertable = false, updatable = false)
    private OffsetDateTime createdAt;
    private OffsetDateTime lastUsedAt;
    private OffsetDateTime revokedAt;

    protected ApiToken() {
    }

    public ApiToken(String tokenHash, Caller.Kind kind, Long userId, Long teamId, Long createdBy, String name) {
        this.tokenHash = tokenHash;
        this.kind = kind;
        this.userId = userId;
        this.teamId = teamId;
        this.createdBy = createdBy;
        this.name = name;
    }

    public Long getId() {
        return id;
    }

    public String getTokenHash() {
        return tokenHash;
    }

    public Caller.Kind getKind() {
        return kind;
    }

    public Long getUserId() {
        return userId;
    }

    public Long getTeamId() {
        return teamId;
    }

    public Long getCreatedBy() {
        return createdBy;
    }

    public String getName() {
        return name;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public OffsetDateTime getLastUsedAt() {
        return lastUsedAt;
    }

    public OffsetDateTime getRevokedAt() {
        return revokedAt;
    }

    public void revoke() {
        if (revokedAt == null) {
            revokedAt = OffsetDateTime.now();
        }
    }
}
