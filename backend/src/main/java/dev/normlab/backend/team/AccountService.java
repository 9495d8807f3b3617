package dev.normlab.backend.team;

import dev.normlab.backend.system.ApiException;
import dev.normlab.backend.system.ConflictException;
import dev.normlab.backend.system.InvalidRequestException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Users: who am I, and the admin's user management; a user may change their own password. */
@Service
public class AccountService {

    private final UserRepository users;
    private final TeamRepository teams;
    private final Passwords passwords;
    private final CallerDirectory callers;

    AccountService(UserRepository users, TeamRepository teams, Passwords passwords, CallerDirectory callers) {
        this.users = users;
        this.teams = teams;
        this.passwords = passwords;
        this.callers = callers;
    }

    public Caller callerFor(long userId) {
        return callers.forUser(userId).orElseThrow(() -> new UnauthorizedException("the user is disabled"));
    }

    public MeView me(Caller caller) {
        requireUser(caller);
        Map<Long, TeamRole> roles = caller.roles();
        List<MeView.Membership> memberships = teams.findAllById(roles.keySet()).stream()
                .map(t -> new MeView.Membership(t.getId(), t.getName(), roles.get(t.getId())))
                .sorted(Comparator.comparing(MeView.Membership::name)).toList();
        return new MeView(caller.userId(), caller.name(), caller.admin(), memberships);
    }

    public List<UserView> list(Caller caller) {
        requireAdmin(caller);
        return users.findAllByOrderByName().stream().map(u -> UserView.of(u, null)).toList();
    }

    /** @param password null: one is generated and returned once in {@link UserView#initialPassword()} */
    @Transactional
    public UserView create(Caller caller, String name, String password, boolean admin) {
        requireAdmin(caller);
        if (users.findByName(name).isPresent()) {
            throw new ConflictException("a user named '" + name + "' exists");
        }
        String initial = password == null ? Passwords.generate() : null;
        UserAccount user = users.saveAndFlush(new UserAccount(name, passwords.hash("password", password == null ? initial : password), admin));
        return UserView.of(users.findById(user.getId()).orElseThrow(), initial);
    }

    @Transactional
    public UserView setDisabled(Caller caller, long userId, boolean disabled) {
        requireAdmin(caller);
        if (disabled && userId == caller.userId()) {
            throw new ConflictException("you cannot disable yourself");
        }
        UserAccount user = users.findById(userId).orElseThrow(() -> notFound(userId));
        user.setDisabled(disabled);
        callers.evictAll();
        return UserView.of(user, null);
    }

    @Transactional
    public void resetPassword(Caller caller, long userId, String password) {
        requireAdmin(caller);
        users.findById(userId).orElseThrow(() -> notFound(userId)).setPasswordHash(passwords.hash("password", password));
    }

    @Transactional
    public void changeOwnPassword(Caller caller, String current, String next) {
        requireUser(caller);
        UserAccount user = users.findById(caller.userId()).orElseThrow(() -> notFound(caller.userId()));
        if (user.getPasswordHash() != null && !passwords.matches(current, user.getPasswordHash())) {
            throw new InvalidRequestException("currentPassword", "is not your current password");
        }
        user.setPasswordHash(passwords.hash("newPassword", next));
    }

    static void requireUser(Caller caller) {
        if (caller.isWorker()) {
            throw new ForbiddenException("a worker token has no user");
        }
    }

    static void requireAdmin(Caller caller) {
        if (!caller.admin()) {
            throw new ForbiddenException("only a platform admin may do this");
        }
    }

    private static ApiException notFound(long userId) {
        return new ApiException(HttpStatus.NOT_FOUND, "user " + userId + " not found");
    }
}
