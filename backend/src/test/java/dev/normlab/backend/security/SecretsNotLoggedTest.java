package dev.normlab.backend.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Browser;
import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.system.NormLabHome;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The whole log of a backend's life (first start included: a context of its own, so its bootstrap runs inside
 * the capture) holds none of the secrets it created or was given.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.org.springframework.security=DEBUG", "logging.level.org.springframework.web=DEBUG",
                "normlab.test.context=secrets-not-logged"})
class SecretsNotLoggedTest {

    @LocalServerPort
    int port;
    @Autowired
    NormLabHome home;
    @Autowired
    Fixtures fixtures;

    @Test
    void noTokenOrPasswordReachesTheLog(CapturedOutput output) throws Exception {
        List<String> secrets = new ArrayList<>();
        String adminPassword = Files.readString(home.home().resolve("admin-password")).trim();
        secrets.add(adminPassword);
        secrets.add(Files.readString(home.home().resolve("admin-token")).trim());
        secrets.add(Files.readString(home.home().resolve("worker-token")).trim());

        Browser admin = new Browser(port);
        assertThat(admin.signIn("admin", adminPassword).statusCode()).isEqualTo(200);
        String created = admin.post("/api/v1/users", "{\"username\": \"dana\"}").body();
        String danaPassword = created.replaceAll(".*\"initialPassword\":\"([^\"]+)\".*", "$1");
        secrets.add(danaPassword);
        String chosen = "a password dana chose";
        secrets.add(chosen);
        Browser dana = new Browser(port);
        assertThat(dana.signIn("dana", danaPassword).statusCode()).isEqualTo(200);
        assertThat(dana.post("/api/v1/me/password", "{}").statusCode()).isIn(400, 405);
        assertThat(dana.sendJson("PUT", "/api/v1/me/password", "{\"currentPassword\": \"" + danaPassword
                + "\", \"newPassword\": \"" + chosen + "\"}").statusCode()).isEqualTo(204);
        String wrong = "a wrong guess of dana's password";
        secrets.add(wrong);
        assertThat(new Browser(port).signIn("dana", wrong).statusCode()).isEqualTo(401);
        String issued = admin.post("/api/v1/tokens", "{\"name\": \"ci\", \"kind\": \"USER\"}").body();
        secrets.add(issued.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1"));
        String session = dana.cookie("NORMLAB_SESSION").orElseThrow();
        secrets.add(session);

        assertThat(output.getAll()).contains("First start").contains("admin-password");
        for (String secret : secrets) {
            assertThat(secret).hasSizeGreaterThan(8);
            assertThat(output.getAll()).as("a secret in the log").doesNotContain(secret);
        }
    }
}
