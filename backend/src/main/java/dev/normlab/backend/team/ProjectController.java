package dev.normlab.backend.team;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
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

    /** Null fields stay as they are. */
    record ProjectPatch(@Size(min = 1, max = 200) @Pattern(regexp = "[^/]+", message = "must not contain '/'") String name,
            Boolean archived) {
    }

    /** @param archived also list archived projects (hidden from pickers by default) */
    @GetMapping
    List<ProjectView> list(Caller caller, @RequestParam(defaultValue = "false") boolean archived) {
        return teams.projects(caller, archived);
    }

    @PostMapping
    ResponseEntity<ProjectView> create(@Valid @RequestBody NewProject project, Caller caller) {
        ProjectView created = teams.createProject(caller, project.team(), project.name().trim());
        return ResponseEntity.created(URI.create("/api/v1/projects/" + created.id())).body(created);
    }

    @PatchMapping("/{id}")
    ProjectView update(@PathVariable long id, @Valid @RequestBody ProjectPatch patch, Caller caller) {
        return teams.updateProject(caller, id, patch.name() == null ? null : patch.name().trim(), patch.archived());
    }
}
