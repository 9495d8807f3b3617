package dev.normlab.backend.team;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/me")
class MeController {

    private final AccountService accounts;

    MeController(AccountService accounts) {
        this.accounts = accounts;
    }

    @GetMapping
    MeView me(Caller caller) {
        return accounts.me(caller);
    }

    /** @param currentPassword may be left out by a user who has no password yet */
    record PasswordChange(String currentPassword, @NotNull String newPassword) {
        @Override
        public String toString() {
            return "PasswordChange[***]";
        }
    }

    @PutMapping("/password")
    ResponseEntity<Void> changePassword(@Valid @RequestBody PasswordChange change, Caller caller) {
        accounts.changeOwnPassword(caller, change.currentPassword(), change.newPassword());
        return ResponseEntity.noContent().build();
    }
}
