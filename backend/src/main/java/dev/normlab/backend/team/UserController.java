package dev.normlab.backend.team;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** User management: platform admins only (403 for everyone else). */
@RestController
@RequestMapping("/api/v1/users")
class UserController {

    static final String NAME = "[A-Za-z0-9][A-Za-z0-9._@-]*";

    private final AccountService accounts;

    UserController(AccountService accounts) {
        this.accounts = accounts;
    }

    /**
     * @param password null: one is generated and shown once in the answer
     * @param admin a platform admin (default false)
     */
    record NewUser(@NotBlank @Size(max = 100) @Pattern(regexp = NAME, message = "letters, digits and . _ @ - only") String username,
            String password, Boolean admin) {
        @Override
        public String toString() {
            return "NewUser[username=" + username + ", admin=" + admin + "]";
        }
    }

    record UserPatch(@NotNull Boolean disabled) {
    }

    record PasswordReset(@NotNull String password) {
        @Override
        public String toString() {
            return "PasswordReset[***]";
        }
    }

    @GetMapping
    List<UserView> list(Caller caller) {
        return accounts.list(caller);
    }

    @PostMapping
    ResponseEntity<UserView> create(@Valid @RequestBody NewUser user, Caller caller) {
        UserView created = accounts.create(caller, user.username(), user.password(), Boolean.TRUE.equals(user.admin()));
        return ResponseEntity.created(URI.create("/api/v1/users/" + created.id())).body(created);
    }

    @PatchMapping("/{id}")
    UserView update(@PathVariable long id, @Valid @RequestBody UserPatch patch, Caller caller) {
        return accounts.setDisabled(caller, id, patch.disabled());
    }

    @PutMapping("/{id}/password")
    ResponseEntity<Void> resetPassword(@PathVariable long id, @Valid @RequestBody PasswordReset reset, Caller caller) {
        accounts.resetPassword(caller, id, reset.password());
        return ResponseEntity.noContent().build();
    }
}
