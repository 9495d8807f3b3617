package dev.normlab.backend.team;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

    private final TeamService teams;

    TokenController(TeamService teams) {
        this.teams = teams;
    }

    /**
     * @param kind USER (acts as the calling user) or WORKER (worker endpoints only)
     * @param team for a WORKER token: the team whose runs its agents take (its owners create it); left out, a
     *     platform worker token (admins only)
     */
    record NewToken(@NotBlank @Size(max = 200) String name, @NotNull Caller.Kind kind, String team) {
    }

    /** @param token the secret: shown in this response only, the server keeps its hash */
    record IssuedToken(long id, String name, Caller.Kind kind, String team, String token) {
    }

    @GetMapping
    List<TokenView> list(Caller caller) {
        return teams.myTokens(caller);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    IssuedToken issue(@Valid @RequestBody NewToken request, Caller caller) {
        TeamService.Issued issued = teams.issue(caller, request.kind(), request.team(), request.name());
        return new IssuedToken(issued.token().id(), issued.token().name(), issued.token().kind(), issued.token().team(),
                issued.secret().value());
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable long id, Caller caller) {
        teams.revoke(caller, id);
        return ResponseEntity.noContent().build();
    }
}
