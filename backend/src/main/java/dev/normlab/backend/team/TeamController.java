package dev.normlab.backend.team;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/teams")
class TeamController {

    private final TeamService teams;

    TeamController(TeamService teams) {
        this.teams = teams;
    }

    record NewTeam(@NotBlank @Size(max = 100) @Pattern(regexp = "[^/]+", message = "must not contain '/'") String name,
            String owner) {
    }

    record TeamPatch(@NotBlank @Size(max = 100) @Pattern(regexp = "[^/]+", message = "must not contain '/'") String name) {
    }

    record Role(@NotNull TeamRole role) {
    }

    @GetMapping
    List<TeamView> list(Caller caller) {
        return teams.list(caller);
    }

    @PostMapping
    ResponseEntity<TeamView> create(@Valid @RequestBody NewTeam team, Caller caller) {
        TeamView created = teams.create(caller, team.name().trim(), team.owner());
        return ResponseEntity.created(URI.create("/api/v1/teams/" + created.id())).body(created);
    }

    @PatchMapping("/{id}")
    TeamView rename(@PathVariable long id, @Valid @RequestBody TeamPatch patch, Caller caller) {
        return teams.rename(caller, id, patch.name().trim());
    }

    @GetMapping("/{id}/members")
    List<MemberView> members(@PathVariable long id, Caller caller) {
        return teams.members(caller, id);
    }

    /** Adds the user with the role, or changes their role. */
    @PutMapping("/{id}/members/{username}")
    MemberView setMember(@PathVariable long id, @PathVariable String username, @Valid @RequestBody Role role, Caller caller) {
        return teams.setMember(caller, id, username, role.role());
    }

    @DeleteMapping("/{id}/members/{username}")
    ResponseEntity<Void> removeMember(@PathVariable long id, @PathVariable String username, Caller caller) {
        teams.removeMember(caller, id, username);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/tokens")
    List<TokenView> workerTokens(@PathVariable long id, Caller caller) {
        return teams.teamWorkerTokens(caller, id);
    }
}
