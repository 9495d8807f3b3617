package dev.normlab.backend.team;

import java.time.OffsetDateTime;

/**
 * A user as admins see it; never the password.
 *
 * @param initialPassword only in the answer that created the user without a given password (shown once)
 */
public record UserView(long id, String username, boolean admin, boolean disabled, boolean hasPassword,
        OffsetDateTime createdAt, String initialPassword) {

    static UserView of(UserAccount user, String initialPassword) {
        return new UserView(user.getId(), user.getName(), user.isAdmin(), user.isDisabled(),
                user.getPasswordHash() != null, user.getCreatedAt(), initialPassword);
    }
}
