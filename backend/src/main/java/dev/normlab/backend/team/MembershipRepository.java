package dev.normlab.backend.team;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface MembershipRepository extends JpaRepository<Membership, Membership.Key> {

    List<Membership> findByIdUserId(long userId);

    List<Membership> findByIdTeamId(long teamId);

    long countByIdTeamIdAndRole(long teamId, TeamRole role);
}
