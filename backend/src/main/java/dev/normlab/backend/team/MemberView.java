package dev.normlab.backend.team;

public record MemberView(long userId, String username, TeamRole role) {
}
