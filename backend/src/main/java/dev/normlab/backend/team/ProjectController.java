package dev.normlab.backend.team;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/projects")
class ProjectController {

    private final TeamService teams;

    ProjectController(TeamService teams) {
        this.teams = teams;
    }

    /** @param team the team's name; may be left out by a member of exactly one team */
    record NewProject(
            @NotBlank @Size(max = 200) @Pattern(regexp = "[^/]+", message = "must not contain '/'") String name,
            String team) {
    }

    @GetMapping
    List<ProjectView> list(Caller caller) {
        return teams.projects(caller);
    }

    @PostMapping
    ResponseEntity<ProjectView> create(@Valid @RequestBody NewProject project, Caller caller) {
        ProjectView created = teams.createProject(caller, project.team(), project.name().trim());
        return ResponseEntity.created(URI.create("/api/v1/projects/" + created.id())).body(created);
    }
}
