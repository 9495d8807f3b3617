package dev.normlab.backend.team;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
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

    /** @param kind USER (acts as the calling user) or WORKER (worker endpoints only) */
    record NewToken(@NotBlank @Size(max = 200) String name, @NotNull Caller.Kind kind) {
    }

    /** @param token the secret: shown in this response only, the server keeps its hash */
    record IssuedToken(String name, Caller.Kind kind, String token) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    IssuedToken issue(@Valid @RequestBody NewToken request, Caller caller) {
        TokenSecret secret = teams.issueToken(request.kind(), caller.userId(), request.name());
        return new IssuedToken(request.name(), request.kind(), secret.value());
    }
}
