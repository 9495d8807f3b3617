package dev.normlab.backend.support;

import dev.normlab.backend.system.NormLabHome;
import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.CallerDirectory;
import dev.normlab.backend.team.TeamService;
import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * Test data through the real services: the bootstrap's admin and worker tokens (read back from the files the
 * bootstrap wrote) and extra teams with their own member and project.
 */
@Component
public class Fixtures {

    /** A minimal valid submission body for the bootstrap's "default" project. */
    public static final String SPEC = """
            {"project": "default", "optimizer": {"name": "sinkgd"}, "steps": 10}""";

    private final TeamService teams;
    private final dev.normlab.backend.run.RunService runs;
    private final tools.jackson.databind.json.JsonMapper json;
    private final CallerDirectory callers;
    private final JdbcClient jdbc;
    private final NormLabHome home;

    Fixtures(TeamService teams, CallerDirectory callers, JdbcClient jdbc, NormLabHome home,
            dev.normlab.backend.run.RunService runs, tools.jackson.databind.json.JsonMapper json) {
        this.runs = runs;
        this.json = json;
        this.teams = teams;
        this.callers = callers;
        this.jdbc = jdbc;
        this.home = home;
    }

    public String adminBearer() {
        return "Bearer " + read("admin-token");
    }

    public String workerBearer() {
        return "Bearer " + read("worker-token");
    }

    /** The caller a {@code Bearer …} header stands for. */
    public Caller caller(String bearer) {
        return callers.forToken(bearer.substring("Bearer ".length())).orElseThrow();
    }

    /** The bootstrap's platform worker token as a caller. */
    public Caller workerCaller() {
        return caller(workerBearer());
    }

    /** A new team with one member (bearer token) and a project named like the team. */
    public Team newTeam(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        TeamService.NewMember member = teams.createTeamWithMember(name, name + "-user");
        long projectId = teams.createProject(member.teamId(), name);
        return new Team(member.teamId(), name, projectId, "Bearer " + member.token().value());
    }

    public record Team(long id, String name, long projectId, String bearer) {
        /** A valid submission body for this team's project. */
        public String spec(String optimizer) {
            return "{\"project\": \"" + name + "\", \"optimizer\": {\"name\": \"" + optimizer + "\"}, \"steps\": 10}";
        }
    }

    /** Queues a run in the team's project through the API's service; returns its id. */
    public long submit(Team team) {
        return runs.submit(caller(team.bearer()), json.readValue(team.spec("sgd"), dev.normlab.api.spec.RunSpec.class)).id();
    }

    /** A fresh USER token of the user; returns the secret. */
    public String issueUserToken(long userId) {
        return teams.issueToken(Caller.Kind.USER, userId, null, "test").value();
    }

    /** Empties the queue (and everything hanging off runs) so a queue test sees only its own runs. */
    public void deleteAllRuns() {
        jdbc.sql("truncate runs cascade").update();
    }

    /** The {@code id} of the run (or other resource) in a JSON response. */
    public static long idOf(MvcTestResult result) {
        try {
            Number id = JsonPath.read(result.getResponse().getContentAsString(StandardCharsets.UTF_8), "$.id");
            return id.longValue();
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String read(String file) {
        try {
            return Files.readString(home.home().resolve(file)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
