package dev.normlab.backend.team;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A person who signs in (browser session) or calls the API with their tokens. */
@Entity
@Table(name = "users")
public class UserAccount {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String name;
    /** delegating-encoder form ({@code {bcrypt}…}); null: this user signs in with tokens only */
    private String passwordHash;
    private boolean admin;
    private OffsetDateTime disabledAt;
    @Column(insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    protected UserAccount() {
    }

    public UserAccount(String name, String passwordHash, boolean admin) {
        this.name = name;
        this.passwordHash = passwordHash;
        this.admin = admin;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public boolean isAdmin() {
        return admin;
    }

    public void setAdmin(boolean admin) {
        this.admin = admin;
    }

    public boolean isDisabled() {
        return disabledAt != null;
    }

    public void setDisabled(boolean disabled) {
        this.disabledAt = disabled ? (disabledAt != null ? disabledAt : OffsetDateTime.now()) : null;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }
}
