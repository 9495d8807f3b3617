package dev.normlab.backend.team;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

public interface ApiTokenRepository extends JpaRepository<ApiToken, Long> {

    Optional<ApiToken> findByTokenHashAndRevokedAtIsNull(String tokenHash);

    List<ApiToken> findByUserIdOrderById(long userId);

    List<ApiToken> findByTeamIdAndKindOrderById(long teamId, Caller.Kind kind);

    List<ApiToken> findByKindAndCreatedByOrderById(Caller.Kind kind, long createdBy);

    @Transactional
    @Modifying
    @Query("update ApiToken t set t.lastUsedAt = CURRENT_TIMESTAMP where t.id = ?1")
    int touch(long id);
}
