package dev.normlab.backend.team;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface ProjectRepository extends JpaRepository<Project, Long> {

    String VIEW = "select new dev.normlab.backend.team.ProjectView(p.id, p.name, t.id, t.name, p.createdAt, p.archivedAt)"
            + " from Project p, Team t where t.id = p.teamId";

    /** Projects of the given teams with their team's name, archived ones included. */
    @Query(VIEW + " and p.teamId in :teams order by t.name, p.name")
    List<ProjectView> viewsOf(Collection<Long> teams);

    @Query(VIEW + " and p.id = :id")
    Optional<ProjectView> view(long id);

    Optional<Project> findByTeamIdAndName(long teamId, String name);
}
