package dev.normlab.backend.team;

import dev.normlab.backend.system.ApiException;
import dev.normlab.backend.system.ConflictException;
import dev.normlab.backend.system.InvalidRequestException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Teams, their members and roles, projects and tokens. Owners manage their team; a platform admin creates
 * teams. A team the caller is not in answers 404, like a run of another team.
 */
@Service
public class TeamService {

    private final TeamRepository teams;
    private final UserRepository users;
    private final MembershipRepository memberships;
    private final ProjectRepository projects;
    private final ApiTokenRepository tokens;
    private final CallerDirectory callers;

    TeamService(TeamRepository teams, UserRepository users, MembershipRepository memberships, ProjectRepository projects,
            ApiTokenRepository tokens, CallerDirectory callers) {
        this.teams = teams;
        this.users = users;
        this.memberships = memberships;
        this.projects = projects;
        this.tokens = tokens;
        this.callers = callers;
    }

    // ---- set-up (bootstrap, tests) -------------------------------------------------------------------------

    /** A team with one owner who holds a fresh user token. */
    @Transactional
    public NewMember createTeamWithMember(String teamName, String userName) {
        Team team = teams.save(new Team(teamName));
        UserAccount user = users.save(new UserAccount(userName, null, false));
        memberships.save(new Membership(team.getId(), user.getId(), TeamRole.OWNER));
        TokenSecret token = TokenSecret.generate(Caller.Kind.USER);
        tokens.save(new ApiToken(token.hash(), Caller.Kind.USER, user.getId(), null, user.getId(), userName + " (initial)"));
        return new NewMember(team.getId(), user.getId(), token);
    }

    public record NewMember(long teamId, long userId, TokenSecret token) {
    }

    @Transactional
    public long createProject(long teamId, String name) {
        return projects.save(new Project(teamId, name)).getId();
    }

    /** A token without access checks (bootstrap): a USER token of {@code userId}, or a WORKER token of {@code teamId}. */
    @Transactional
    public TokenSecret issueToken(Caller.Kind kind, Long userId, Long teamId, String name) {
        TokenSecret token = TokenSecret.generate(kind);
        tokens.save(new ApiToken(token.hash(), kind, kind == Caller.Kind.USER ? userId : null,
                kind == Caller.Kind.WORKER ? teamId : null, userId, name));
        return token;
    }

    // ---- teams and members ---------------------------------------------------------------------------------

    /** The caller's teams; an admin sees every team. */
    public List<TeamView> list(Caller caller) {
        List<Team> visible = caller.admin() ? teams.findAll() : teams.findAllById(caller.teamIds());
        return visible.stream().sorted(Comparator.comparing(Team::getName))
                .map(t -> new TeamView(t.getId(), t.getName(), caller.roles().get(t.getId()), t.getCreatedAt())).toList();
    }

    /** Admin only: a new team whose first owner is {@code owner} (default: the admin). */
    @Transactional
    public TeamView create(Caller caller, String name, String owner) {
        AccountService.requireAdmin(caller);
        if (teams.findByName(name).isPresent()) {
            throw new ConflictException("a team named '" + name + "' exists");
        }
        long ownerId = owner == null ? caller.userId() : userNamed("owner", owner).getId();
        Team team = teams.saveAndFlush(new Team(name));
        memberships.save(new Membership(team.getId(), ownerId, TeamRole.OWNER));
        projects.save(new Project(team.getId(), "default"));
        callers.evictAll();
        return new TeamView(team.getId(), team.getName(), ownerId == caller.userId() ? TeamRole.OWNER : null,
                teams.findById(team.getId()).orElseThrow().getCreatedAt());
    }

    @Transactional
    public TeamView rename(Caller caller, long teamId, String name) {
        Team team = owned(caller, teamId);
        teams.findByName(name).filter(t -> !t.getId().equals(teamId)).ifPresent(t -> {
            throw new ConflictException("a team named '" + name + "' exists");
        });
        team.setName(name);
        return new TeamView(team.getId(), name, caller.roles().get(teamId), team.getCreatedAt());
    }

    public List<MemberView> members(Caller caller, long teamId) {
        visibleTeam(caller, teamId);
        List<Membership> members = memberships.findByIdTeamId(teamId);
        Map<Long, String> names = users.findAllById(members.stream().map(Membership::userId).toList()).stream()
                .collect(Collectors.toMap(UserAccount::getId, UserAccount::getName));
        return members.stream().map(m -> new MemberView(m.userId(), names.get(m.userId()), m.getRole()))
                .sorted(Comparator.comparing(MemberView::username)).toList();
    }

    /** Adds a user to the team, or changes their role. The last owner cannot be demoted. */
    @Transactional
    public MemberView setMember(Caller caller, long teamId, String username, TeamRole role) {
        owned(caller, teamId);
        UserAccount user = userNamed("username", username);
        Optional<Membership> existing = memberships.findById(new Membership.Key(teamId, user.getId()));
        if (existing.isPresent()) {
            if (existing.get().getRole() == TeamRole.OWNER && role != TeamRole.OWNER) {
                requireAnotherOwner(teamId);
            }
            existing.get().setRole(role);
        } else {
            memberships.save(new Membership(teamId, user.getId(), role));
        }
        callers.evictAll();
        return new MemberView(user.getId(), user.getName(), role);
    }

    /** An owner removes a member, or a member leaves. The last owner cannot leave. */
    @Transactional
    public void removeMember(Caller caller, long teamId, String username) {
        visibleTeam(caller, teamId);
        UserAccount user = userNamed("username", username);
        boolean self = user.getId().equals(caller.userId());
        if (!self && !caller.isOwnerOf(teamId) && !caller.admin()) {
            throw new ForbiddenException("only an owner of the team may remove members");
        }
        Membership membership = memberships.findById(new Membership.Key(teamId, user.getId()))
                .orElseThrow(() -> new InvalidRequestException("username", "'" + username + "' is not a member of the team"));
        if (membership.getRole() == TeamRole.OWNER) {
            requireAnotherOwner(teamId);
        }
        memberships.delete(membership);
        callers.evictAll();
    }

    // ---- projects ------------------------------------------------------------------------------------------

    /** The caller's projects; archived ones only when asked for. */
    public List<ProjectView> projects(Caller caller, boolean includeArchived) {
        return projects.viewsOf(caller.teamIds()).stream().filter(p -> includeArchived || !p.archived()).toList();
    }

    /** @param teamName may be null when the caller is in exactly one team */
    @Transactional
    public ProjectView createProject(Caller caller, String teamName, String name) {
        long teamId = resolveTeam(caller, teamName);
        if (!caller.isOwnerOf(teamId)) {
            throw new ForbiddenException("only an owner of the team may create projects");
        }
        if (projects.findByTeamIdAndName(teamId, name).isPresent()) {
            throw new ConflictException("the team already has a project named '" + name + "'");
        }
        return projects.view(projects.saveAndFlush(new Project(teamId, name)).getId()).orElseThrow();
    }

    /** Renames and/or (un)archives a project; null leaves a field as it is. */
    @Transactional
    public ProjectView updateProject(Caller caller, long projectId, String name, Boolean archived) {
        Project project = projects.findById(projectId).filter(p -> caller.teamIds().contains(p.getTeamId()))
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "project " + projectId + " not found"));
        if (!caller.isOwnerOf(project.getTeamId())) {
            throw new ForbiddenException("only an owner of the team may change projects");
        }
        if (name != null && !name.equals(project.getName())) {
            if (projects.findByTeamIdAndName(project.getTeamId(), name).isPresent()) {
                throw new ConflictException("the team already has a project named '" + name + "'");
            }
            project.setName(name);
        }
        if (archived != null) {
            project.setArchived(archived);
        }
        projects.flush();
        return projects.view(projectId).orElseThrow();
    }

    // ---- tokens --------------------------------------------------------------------------------------------

    /** The caller's own tokens (user tokens and the worker tokens they created). */
    public List<TokenView> myTokens(Caller caller) {
        AccountService.requireUser(caller);
        List<ApiToken> mine = new ArrayList<>(tokens.findByUserIdOrderById(caller.userId()));
        mine.addAll(tokens.findByKindAndCreatedByOrderById(Caller.Kind.WORKER, caller.userId()));
        return views(mine);
    }

    /** The worker tokens of a team, for its owners. */
    public List<TokenView> teamWorkerTokens(Caller caller, long teamId) {
        owned(caller, teamId);
        return views(tokens.findByTeamIdAndKindOrderById(teamId, Caller.Kind.WORKER));
    }

    public record Issued(TokenView token, TokenSecret secret) {
    }

    /**
     * A USER token acts as the caller. A WORKER token belongs to {@code teamName} (created by its owners) or, with
     * no team, to the platform (created by an admin only).
     */
    @Transactional
    public Issued issue(Caller caller, Caller.Kind kind, String teamName, String name) {
        AccountService.requireUser(caller);
        Long teamId = null;
        if (kind == Caller.Kind.WORKER) {
            if (teamName == null) {
                AccountService.requireAdmin(caller);
            } else {
                teamId = resolveTeam(caller, teamName);
                if (!caller.isOwnerOf(teamId)) {
                    throw new ForbiddenException("only an owner of the team may create its worker tokens");
                }
            }
        } else if (teamName != null) {
            throw new InvalidRequestException("team", "only WORKER tokens belong to a team");
        }
        TokenSecret secret = TokenSecret.generate(kind);
        ApiToken token = tokens.saveAndFlush(new ApiToken(secret.hash(), kind,
                kind == Caller.Kind.USER ? caller.userId() : null, teamId, caller.userId(), name));
        return new Issued(views(List.of(tokens.findById(token.getId()).orElseThrow())).get(0), secret);
    }

    /** Revokes one's own token, a worker token of a team one owns, or (admin) any worker token. */
    @Transactional
    public void revoke(Caller caller, long tokenId) {
        AccountService.requireUser(caller);
        ApiToken token = tokens.findById(tokenId).filter(t -> mayRevoke(caller, t))
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "token " + tokenId + " not found"));
        token.revoke();
        callers.evictAll();
    }

    private static boolean mayRevoke(Caller caller, ApiToken token) {
        if (caller.userId().equals(token.getUserId()) || caller.userId().equals(token.getCreatedBy())) {
            return true;
        }
        if (token.getKind() != Caller.Kind.WORKER) {
            return false;
        }
        return token.getTeamId() == null ? caller.admin() : caller.isOwnerOf(token.getTeamId()) || caller.admin();
    }

    private List<TokenView> views(List<ApiToken> list) {
        Map<Long, String> teamNames = teams.findAllById(list.stream().map(ApiToken::getTeamId)
                .filter(Objects::nonNull).distinct().toList()).stream()
                .collect(Collectors.toMap(Team::getId, Team::getName));
        return list.stream().map(t -> new TokenView(t.getId(), t.getName(), t.getKind(),
                t.getTeamId() == null ? null : teamNames.get(t.getTeamId()), t.getCreatedAt(), t.getLastUsedAt(),
                t.getRevokedAt())).toList();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private long resolveTeam(Caller caller, String teamName) {
        if (teamName == null) {
            if (caller.teamIds().size() == 1) {
                return caller.teamIds().iterator().next();
            }
            throw new InvalidRequestException("team", "is required: you belong to " + caller.teamIds().size() + " teams");
        }
        return teams.findByName(teamName).map(Team::getId).filter(caller.teamIds()::contains)
                .orElseThrow(() -> new InvalidRequestException("team", "'" + teamName + "' is not one of your teams"));
    }

    private Team visibleTeam(Caller caller, long teamId) {
        AccountService.requireUser(caller);
        return teams.findById(teamId).filter(t -> caller.teamIds().contains(teamId) || caller.admin())
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "team " + teamId + " not found"));
    }

    private Team owned(Caller caller, long teamId) {
        Team team = visibleTeam(caller, teamId);
        if (!caller.isOwnerOf(teamId) && !caller.admin()) {
            throw new ForbiddenException("only an owner of the team may do this");
        }
        return team;
    }

    private void requireAnotherOwner(long teamId) {
        if (memberships.countByIdTeamIdAndRole(teamId, TeamRole.OWNER) <= 1) {
            throw new ConflictException("the team's last owner cannot leave or step down: make someone else owner first");
        }
    }

    private UserAccount userNamed(String field, String name) {
        return users.findByName(name).orElseThrow(() -> new InvalidRequestException(field, "no user '" + name + "'"));
    }

}
