package dev.normlab.backend.team;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Teams, users, memberships, projects and tokens. */
@Repository
public class TeamRepository {

    private final JdbcClient jdbc;

    TeamRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long insertTeam(String name) {
        return jdbc.sql("insert into teams (name) values (?) returning id").param(name).query(Long.class).single();
    }

    public long insertUser(String name) {
        return jdbc.sql("insert into users (name) values (?) returning id").param(name).query(Long.class).single();
    }

    public void insertMember(long teamId, long userId) {
        jdbc.sql("insert into team_members (team_id, user_id) values (?, ?) on conflict do nothing")
                .params(teamId, userId).update();
    }

    public long insertProject(long teamId, String name) {
        return jdbc.sql("insert into projects (team_id, name) values (?, ?) returning id")
                .params(teamId, name).query(Long.class).single();
    }

    public long insertToken(String hash, Caller.Kind kind, Long userId, String name) {
        return jdbc.sql("insert into api_tokens (token_hash, kind, user_id, name) values (?, ?, ?, ?) returning id")
                .params(hash, kind.name(), userId, name).query(Long.class).single();
    }

    public boolean anyUser() {
        return jdbc.sql("select exists (select 1 from users)").query(Boolean.class).single();
    }

    record TokenRow(long id, String kind, Long userId) {
    }

    Optional<TokenRow> findActiveToken(String hash) {
        return jdbc.sql("select id, kind, user_id from api_tokens where token_hash = ? and revoked_at is null")
                .param(hash).query(TokenRow.class).optional();
    }

    Set<Long> teamIdsOf(long userId) {
        return Set.copyOf(jdbc.sql("select team_id from team_members where user_id = ?").param(userId).query(Long.class).list());
    }

    public Optional<Long> teamIdByName(String name) {
        return jdbc.sql("select id from teams where name = ?").param(name).query(Long.class).optional();
    }

    /** Projects of the given teams, with their team's name. */
    public List<ProjectView> projectsOf(Set<Long> teamIds) {
        if (teamIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                select p.id, p.name, t.id as team_id, t.name as team, p.created_at
                from projects p join teams t on t.id = p.team_id
                where p.team_id in (:teams) order by t.name, p.name""")
                .param("teams", teamIds).query(ProjectView.class).list();
    }

    public Optional<ProjectView> project(long projectId) {
        return jdbc.sql("""
                select p.id, p.name, t.id as team_id, t.name as team, p.created_at
                from projects p join teams t on t.id = p.team_id where p.id = ?""")
                .param(projectId).query(ProjectView.class).optional();
    }
}
