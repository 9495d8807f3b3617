package dev.normlab.backend.team;

import dev.normlab.backend.system.ConflictException;
import dev.normlab.backend.system.InvalidRequestException;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates teams, users, projects and tokens; lists what a caller may see. */
@Service
public class TeamService {

    private final TeamRepository teams;

    TeamService(TeamRepository teams) {
        this.teams = teams;
    }

    /** A team with one member who holds a fresh user token (bootstrap, tests, admin tooling). */
    @Transactional
    public NewMember createTeamWithMember(String teamName, String userName) {
        long teamId = teams.insertTeam(teamName);
        long userId = teams.insertUser(userName);
        teams.insertMember(teamId, userId);
        TokenSecret token = TokenSecret.generate(Caller.Kind.USER);
        teams.insertToken(token.hash(), Caller.Kind.USER, userId, userName + " (initial)");
        return new NewMember(teamId, userId, token);
    }

    public record NewMember(long teamId, long userId, TokenSecret token) {
    }

    @Transactional
    public long createProject(long teamId, String name) {
        return teams.insertProject(teamId, name);
    }

    @Transactional
    public TokenSecret issueToken(Caller.Kind kind, Long userId, String name) {
        TokenSecret token = TokenSecret.generate(kind);
        teams.insertToken(token.hash(), kind, kind == Caller.Kind.USER ? userId : null, name);
        return token;
    }

    public List<ProjectView> projects(Caller caller) {
        return teams.projectsOf(caller.teamIds());
    }

    /**
     * Creates a project in one of the caller's teams.
     *
     * @param teamName may be null when the caller is in exactly one team
     */
    @Transactional
    public ProjectView createProject(Caller caller, String teamName, String name) {
        long teamId = resolveTeam(caller, teamName);
        try {
            return teams.project(teams.insertProject(teamId, name)).orElseThrow();
        } catch (DuplicateKeyException e) {
            throw new ConflictException("the team already has a project named '" + name + "'");
        }
    }

    private long resolveTeam(Caller caller, String teamName) {
        if (teamName == null) {
            if (caller.teamIds().size() == 1) {
                return caller.teamIds().iterator().next();
            }
            throw new InvalidRequestException("team", "is required: you belong to " + caller.teamIds().size() + " teams");
        }
        return teams.teamIdByName(teamName).filter(caller.teamIds()::contains)
                .orElseThrow(() -> new InvalidRequestException("team", "'" + teamName + "' is not one of your teams"));
    }
}
