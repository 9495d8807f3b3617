package dev.normlab.backend.team;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface UserRepository extends JpaRepository<UserAccount, Long> {

    Optional<UserAccount> findByName(String name);

    List<UserAccount> findAllByOrderByName();
}
