package dev.normlab.backend.team;

import org.springframework.stereotype.Component;

/** Resolves an {@code Authorization: Bearer …} header to the {@link Caller}. */
@Component
public class Authenticator {

    private static final String BEARER = "Bearer ";

    private final TeamRepository teams;

    Authenticator(TeamRepository teams) {
        this.teams = teams;
    }

    /** @throws UnauthorizedException when the header is missing, malformed, unknown or revoked */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new UnauthorizedException("missing bearer token: send 'Authorization: Bearer <token>'");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new UnauthorizedException("the Authorization header must use the Bearer scheme");
        }
        String secret = authorization.substring(BEARER.length()).trim();
        TeamRepository.TokenRow token = teams.findActiveToken(TokenSecret.hash(secret))
                .orElseThrow(() -> new UnauthorizedException("unknown or revoked token"));
        Caller.Kind kind = Caller.Kind.valueOf(token.kind());
        return kind == Caller.Kind.WORKER
                ? new Caller(token.id(), kind, null, java.util.Set.of())
                : new Caller(token.id(), kind, token.userId(), teams.teamIdsOf(token.userId()));
    }
}
