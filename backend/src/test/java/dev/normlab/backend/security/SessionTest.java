package dev.normlab.backend.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Browser;
import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.system.NormLabHome;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The dashboard's browser session over real HTTP (real cookies, real Tomcat sessions). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionTest {

    @LocalServerPort
    int port;
    @Autowired
    NormLabHome home;
    @Autowired
    Fixtures fixtures;
    @Autowired
    LoginThrottle throttle;

    @BeforeEach
    void everyTestSignsInFromLocalhostWithACleanSlate() {
        throttle.reset();
    }

    private String adminPassword() throws Exception {
        return Files.readString(home.home().resolve("admin-password")).trim();
    }

    @Test
    void theFirstStartWritesTheAdminPasswordOwnerOnlyAndItSignsIn() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.home().resolve("admin-password"))))
                .isEqualTo("rw-------");
        Browser browser = new Browser(port);
        assertThat(browser.get("/api/v1/me").statusCode()).isEqualTo(401);

        HttpResponse<String> signIn = browser.signIn("admin", adminPassword());
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.body()).contains("\"username\":\"admin\"").contains("\"admin\":true").contains("\"role\":\"OWNER\"")
                .doesNotContain(adminPassword());
        HttpResponse<String> me = browser.get("/api/v1/me");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"name\":\"default\"");
        assertThat(browser.get("/api/v1/runs").statusCode()).isEqualTo(200);
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLaxAndTheCsrfCookieIsReadable() throws Exception {
        Browser browser = new Browser(port);
        HttpResponse<String> first = browser.get("/api/v1/me");
        assertThat(setCookie(first, "XSRF-TOKEN")).doesNotContainIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");

        HttpResponse<String> signIn = browser.signIn("admin", adminPassword());
        String session = setCookie(signIn, "NORMLAB_SESSION");
        assertThat(session).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
                // plain HTTP here; Tomcat adds Secure when the request came over HTTPS
                .doesNotContainIgnoringCase("Secure");
    }

    @Test
    void signingInGivesANewSessionIdAndANewCsrfToken() throws Exception {
        Browser browser = new Browser(port);
        assertThat(browser.signIn("admin", adminPassword()).statusCode()).isEqualTo(200);
        String firstSession = browser.cookie("NORMLAB_SESSION").orElseThrow();
        String firstCsrf = browser.cookie("XSRF-TOKEN").orElseThrow();

        // a fixation attempt: the browser arrives with a known session id and signs in again
        assertThat(browser.signIn("admin", adminPassword()).statusCode()).isEqualTo(200);
        assertThat(browser.cookie("NORMLAB_SESSION").orElseThrow()).isNotEqualTo(firstSession);
        assertThat(browser.cookie("XSRF-TOKEN").orElseThrow()).isNotEqualTo(firstCsrf);
        assertThat(browser.get("/api/v1/me").statusCode()).isEqualTo(200);
    }

    @Test
    void aCookieAuthenticatedChangeNeedsTheCsrfTokenAndABearerOneDoesNot() throws Exception {
        Browser browser = new Browser(port);
        browser.signIn("admin", adminPassword());
        String spec = "{\"project\": \"default/default\", \"optimizer\": {\"name\": \"sgd\"}, \"steps\": 1, \"name\": \"csrf-"
                + UUID.randomUUID() + "\"}";

        HttpResponse<String> forged = browser.postWithoutCsrf("/api/v1/runs", spec);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(forged.body()).contains("CSRF");
        assertThat(browser.get("/api/v1/runs?name=csrf-").body()).contains("\"totalItems\":0");

        assertThat(browser.post("/api/v1/runs", spec).statusCode()).isEqualTo(201);

        // scripts: bearer, no cookie, no CSRF token
        Browser script = new Browser(port);
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/runs"))
                .header("Authorization", fixtures.adminBearer()).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(spec)).build();
        assertThat(java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(201);
        assertThat(script.cookie("NORMLAB_SESSION")).isEmpty();
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        Browser browser = new Browser(port);
        browser.signIn("admin", adminPassword());
        String session = browser.cookie("NORMLAB_SESSION").orElseThrow();
        assertThat(browser.delete("/api/v1/session").statusCode()).isEqualTo(204);
        assertThat(browser.get("/api/v1/me").statusCode()).isEqualTo(401);

        // the old cookie is dead on the server too, not just forgotten by this browser
        Browser thief = new Browser(port);
        HttpResponse<String> replay = sendWithCookie(thief, "NORMLAB_SESSION=" + session);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void theEleventhFailedSignInForOneUsernameIs429WithRetryAfter() {
        String username = "throttled-" + UUID.randomUUID().toString().substring(0, 8);
        Browser browser = new Browser(port);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            HttpResponse<String> wrong = browser.signIn(username, "wrong password " + i);
            assertThat(wrong.statusCode()).as("attempt %d", i + 1).isEqualTo(401);
            assertThat(wrong.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        HttpResponse<String> eleventh = browser.signIn(username, "wrong password again");
        assertThat(eleventh.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(eleventh.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, LoginThrottle.WINDOW.toSeconds());
        assertThat(eleventh.body()).contains("too many failed sign-ins");
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() throws Exception {
        HttpResponse<String> unknown = new Browser(port).signIn("nobody-" + UUID.randomUUID(), "some password");
        HttpResponse<String> wrong = new Browser(port).signIn("admin", "not the password");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.body().replaceAll("\"instance\":\"[^\"]*\"", ""))
                .isEqualTo(wrong.body().replaceAll("\"instance\":\"[^\"]*\"", ""));
    }

    private static String setCookie(HttpResponse<String> response, String name) {
        List<String> cookies = response.headers().allValues("Set-Cookie");
        return cookies.stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " in " + cookies));
    }

    private HttpResponse<String> sendWithCookie(Browser ignored, String cookie) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/me"))
                .header("Cookie", cookie).GET().build();
        return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
