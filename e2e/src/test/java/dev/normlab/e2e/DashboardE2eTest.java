package dev.normlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.normlab.worker.agent.BackendClient;
import dev.normlab.worker.agent.NodeAgent;
import dev.normlab.worker.agent.WorkerCapabilities;
import dev.normlab.worker.training.LlamaRunTrainer;
import dev.normlab.worker.training.TrainerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real browser against the real thing: the backend (embedded PostgreSQL) and a node agent with
 * the real trainer in this JVM, headless Chromium driving the built app the backend serves. The scenarios build on
 * each other (the form's run is compared later), hence the order; each one leaves a screenshot in target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardE2eTest {

    private static final int LEASE_SECONDS = 12;
    private static final Duration TRAINING = Duration.ofMinutes(4);

    @TempDir
    static Path root;

    private static InProcessBackend backend;
    private static UserApi user;
    private static Browser browser;
    private static Path corpus;
    private static NodeAgent agent;
    private static Thread agentThread;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A failed scenario leaves the page it failed on: target/screenshots/FAILED-<test>.png. */
    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot("FAILED-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    /** the run submitted through the form (scenario 2), compared in scenario 5 */
    private static long formRunId;

    @BeforeAll
    static void start() throws IOException {
        backend = InProcessBackend.start(root, LEASE_SECONDS);
        user = new UserApi(backend.baseUri(), backend.adminToken());
        corpus = TinyCorpus.write(root.resolve("corpus.txt"));
        browser = new Browser(backend.baseUri());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (browser != null) {
            browser.close();
        }
        stopAgent();
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    @Order(10)
    void signInRefusesAWrongPasswordThenOpensTheRunsPage() {
        browser.go("/runs");
        browser.waitFor(() -> browser.path().startsWith("/sign-in"), "the redirect to sign-in");
        browser.type("input[name=username]", "admin");
        browser.type("input[name=password]", "not-the-password");
        browser.find("button[type=submit]").click();
        assertThat(browser.find("[data-testid=signin-error]").getText()).contains("Wrong username or password");
        browser.screenshot("01-sign-in-refused");

        browser.type("input[name=password]", backend.adminPassword());
        browser.find("button[type=submit]").click();
        browser.waitFor(() -> browser.path().startsWith("/runs"), "the runs page (the page asked for before signing in)");
        assertThat(browser.find(".who").getText()).contains("admin");
        // nothing secret in the browser's storage: the session is an HttpOnly cookie
        assertThat(browser.js("return window.localStorage.length + window.sessionStorage.length")).isEqualTo(0L);
        assertThat((String) browser.js("return document.cookie")).doesNotContain("NORMLAB_SESSION");
        assertThat(browser.find(".state.empty").getText()).contains("No runs yet");
        browser.screenshot("01-runs-empty");
    }

    @Test
    @Order(20)
    void aRunSubmittedThroughTheFormGoesQueuedRunningSucceededWhileItsLossCurveGrows() {
        browser.go("/new");
        fill("name", "form run: sinkgd on the tiny corpus");
        browser.select("#f-optimizer-name", "sinkgd");
        fill("optimizer.lr", "0.01");
        fill("model.layers", "1");
        fill("tokenizer", "byte");
        fill("data.corpus", corpus.toAbsolutePath().toString());
        fill("data.heldOutFraction", "0.1");
        fill("seqLen", "32");
        fill("batchSize", "4");
        fill("steps", "400");
        fill("evalEvery", "100");
        fill("evalBatches", "2");
        browser.select("#f-device", "cpu");
        assertThat(browser.find("[data-testid=live-estimate]").getText()).contains("Optimizer state");
        browser.screenshot("02-new-run-form");
        browser.find("[data-testid=submit-run]").click();

        browser.waitFor(() -> browser.path().matches("/runs/\\d+"), "the new run's page");
        formRunId = Long.parseLong(browser.path().substring("/runs/".length()));
        // no worker yet: the run waits
        assertThat(browser.find(".run-head .badge").getAttribute("data-status")).isEqualTo("QUEUED");
        assertThat(user.run(formRunId).path("spec").path("optimizer").path("lr").asDouble()).isEqualTo(0.01);
        startAgent();

        List<String> statuses = new ArrayList<>(List.of("QUEUED"));
        Set<Integer> pointCounts = new LinkedHashSet<>();
        browser.waitFor(() -> {
            String status = browser.find(".run-head .badge").getAttribute("data-status");
            if (!status.equals(statuses.get(statuses.size() - 1))) {
                statuses.add(status);
            }
            if (status.equals("RUNNING") && browser.present("[data-group=loss]")) {
                int points = Integer.parseInt(browser.find("[data-group=loss]").getAttribute("data-points"));
                if (points > 0) {
                    pointCounts.add(points);
                }
                if (pointCounts.size() == 2) {
                    browser.screenshot("02-run-live");
                }
            }
            return status.equals("SUCCEEDED") || status.equals("FAILED");
        }, "the run to end", TRAINING);
        assertThat(statuses).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(pointCounts).as("loss points seen while RUNNING (live over SSE)").hasSizeGreaterThanOrEqualTo(2);
        // after the end the chart holds the whole curve
        browser.waitFor(() -> Integer.parseInt(browser.find("[data-group=loss]").getAttribute("data-points")) >= 400,
                "every loss step on the chart");
        assertThat(browser.find("[data-testid=final-loss]").getText()).isNotEqualTo("—");
        browser.screenshot("02-run-succeeded");
    }

    @Test
    @Order(30)
    void anInvalidLearningRateShowsTheFieldErrorAndStoresNothing() {
        long before = totalRuns();
        browser.go("/new");
        fill("name", "invalid lr");
        fill("optimizer.lr", "-0.5");
        browser.find("[data-testid=submit-run]").click();
        WebElement error = browser.find("[data-testid='error-optimizer.lr']");
        assertThat(error.getText()).isEqualTo("must be greater than 0");
        // next to its field, and the field is marked
        assertThat(browser.find("[data-field='optimizer.lr']").getText()).contains("must be greater than 0");
        assertThat(browser.find("#f-optimizer-lr").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.path()).isEqualTo("/new");
        browser.screenshot("03-invalid-lr");
        assertThat(totalRuns()).isEqualTo(before);
    }

    @Test
    @Order(40)
    void aRunningRunIsCancelledFromItsPage() {
        startAgent();
        long id = user.submit(spec("long run to cancel", "adamw", 100_000));
        browser.go("/runs/" + id);
        browser.waitFor(() -> "RUNNING".equals(browser.find(".run-head .badge").getAttribute("data-status")),
                "the agent to claim it", TRAINING);
        browser.screenshot("04-running");
        // a run no worker here can take says why it waits
        long gpuRun = user.submit(spec("needs a gpu", "swan", 100).replace("\"device\": \"cpu\"", "\"device\": \"gpu\""));
        browser.go("/queue");
        assertThat(browser.find("[data-testid=queued]").getText()).contains("needs a gpu").contains("no GPU worker was seen in the last hour");
        assertThat(browser.find("[data-testid=running]").getText()).contains("long run to cancel").contains("browser-e2e-agent");
        assertThat(browser.find("[data-testid=workers]").getText()).contains("browser-e2e-agent");
        browser.screenshot("04-queue-and-workers");
        user.cancel(gpuRun);
        browser.go("/runs/" + id);
        browser.find("[data-testid=cancel-run]").click();
        browser.waitFor(() -> "CANCELLED".equals(browser.find(".run-head .badge").getAttribute("data-status")),
                "the cancel to reach the worker", Duration.ofSeconds(60));
        assertThat(user.run(id).path("status").asString()).isEqualTo("CANCELLED");
        browser.screenshot("04-cancelled");
    }

    @Test
    @Order(50)
    void twoFinishedRunsCompareWithTheApisFinalValuesAndOneColourPerRun() {
        startAgent();
        long other = user.submit(spec("adamw baseline", "adamw", 200));
        awaitEnd(other);
        browser.go("/runs?cols=name,status,optimizer,lr,model,steps,tokens,finalLoss,ppl,tps,state,by,created,duration,worker");
        assertThat(browser.find("[data-testid=runs-table] tbody").getText()).contains("adamw baseline").contains("form run");
        browser.screenshot("05-runs");
        browser.go("/runs/" + formRunId);
        String colourOnRunPage = browser.find(".run-head .swatch").getCssValue("background-color");

        browser.go("/compare?runs=" + other + "," + formRunId + "&key=train_loss");
        browser.waitFor(() -> browser.all("[data-testid=legend-final]").size() == 2
                && browser.all("[data-testid=legend-final]").stream().noneMatch(e -> e.getAttribute("data-value").isEmpty()),
                "both final values in the legend");
        for (long id : new long[] {other, formRunId}) {
            WebElement row = browser.find("table.legend tr[data-run-id='" + id + "']");
            double shown = Double.parseDouble(row.findElement(org.openqa.selenium.By.cssSelector("[data-testid=legend-final]")).getAttribute("data-value"));
            assertThat(shown).as("legend final of run %d", id).isCloseTo(user.run(id).path("summary").path("finalLoss").asDouble(), within(1e-9));
        }
        String colourOnCompare = browser.find("table.legend tr[data-run-id='" + formRunId + "'] .swatch").getCssValue("background-color");
        assertThat(colourOnCompare).isEqualTo(colourOnRunPage);
        // the baseline (first run) reaches its own final value: ratio 1.00
        assertThat(browser.find("table.legend tr[data-run-id='" + other + "']").getText()).contains("1.00×");
        browser.screenshot("05-compare");
    }

    @Test
    @Order(55)
    void cloneAndEditPrefillsTheFormWithTheRunsChoices() {
        browser.go("/runs/" + formRunId);
        browser.find("a[href='/new?clone=" + formRunId + "']").click();
        browser.waitFor(() -> "form run: sinkgd on the tiny corpus (clone)".equals(browser.find("#f-name").getAttribute("value")),
                "the clone's name in the form");
        assertThat(browser.find("#f-optimizer-lr").getAttribute("value")).isEqualTo("0.01");
        assertThat(browser.find("#f-steps").getAttribute("value")).isEqualTo("400");
        assertThat(browser.find("#f-model-layers").getAttribute("value")).isEqualTo("1");
        // a default stays empty, its value shown as the placeholder
        assertThat(browser.find("#f-optimizer-alpha").getAttribute("value")).isEmpty();
        assertThat(browser.find("#f-optimizer-alpha").getAttribute("placeholder")).isEqualTo("0.05");
        browser.screenshot("05-clone-and-edit");
    }

    @Test
    @Order(60)
    void theMemoryPageShowsTheApisNumbers() {
        JsonNode estimate = user.get("/api/v1/memory/estimate?model=llama-1b&dtype=fp32");
        browser.go("/memory?model=llama-1b&dtype=fp32");
        browser.find(".bar-row[data-optimizer=swan]");
        for (JsonNode e : estimate.path("estimates")) {
            String optimizer = e.path("optimizer").asString();
            WebElement row = browser.find(".bar-row[data-optimizer=" + optimizer + "]");
            assertThat(Long.parseLong(row.getAttribute("data-total"))).isEqualTo(e.path("totalBytes").asLong());
            assertThat(Long.parseLong(row.getAttribute("data-state"))).isEqualTo(e.path("stateBytes").asLong());
            if (!optimizer.equals("adamw")) {
                String saving = "saves %.2f GiB (%.1f%%)".formatted(e.path("savingVsAdamWBytes").asDouble() / (1L << 30),
                        e.path("savingVsAdamWFraction").asDouble() * 100);
                assertThat(row.getText()).contains(saving);
            }
        }
        browser.screenshot("06-memory");
        // beside the estimate: the optimizer state the workers measured on this test's finished nano runs
        browser.go("/memory?model=nano&dtype=fp32");
        WebElement measured = browser.find("table.mem tr[data-optimizer=sinkgd]");
        assertThat(measured.getText()).contains("KiB");
        assertThat(browser.find("table.mem tr[data-optimizer=adamw]").getText()).contains("MiB");
        browser.screenshot("06-memory-nano-measured");
    }

    @Test
    @Order(70)
    void aDeepLinkWithZoomAndSmoothingRestoresTheSameViewAfterReload() {
        long other = firstRunNamed("adamw baseline");
        browser.go("/compare?runs=" + other + "," + formRunId + "&x=step&smooth=0.6");
        WebElement over = browser.find(".compare-chart .u-over");
        browser.waitFor(() -> browser.find("[data-testid=compare-chart]").getAttribute("data-x-max") != null, "the chart");
        // zoom by dragging across the middle of the plot: the URL takes the range
        new Actions(browser.driver).moveToElement(over, -over.getSize().width / 4, 0).clickAndHold()
                .moveByOffset(over.getSize().width / 3, 0).release().perform();
        browser.waitFor(() -> browser.path().contains("from=") && browser.path().contains("to="), "the zoom in the URL");
        String zoomed = browser.path();
        double from = Double.parseDouble(param(zoomed, "from"));
        double to = Double.parseDouble(param(zoomed, "to"));
        assertThat(to - from).isLessThan(200);
        String[] view = browser.waitFor(() -> shownRange(from, to), "the zoomed view");
        browser.screenshot("07-zoomed");

        browser.driver.navigate().refresh();
        browser.waitFor(() -> browser.present("[data-testid=compare-chart] .u-over"), "the chart after reload");
        String[] restored = browser.waitFor(() -> shownRange(from, to), "the same view after reload");
        assertThat(restored).containsExactly(view);
        assertThat(browser.path()).isEqualTo(zoomed);
        assertThat(browser.find("[data-testid=smooth-value]").getText()).isEqualTo("0.60");
        assertThat(browser.find("[data-testid=reset-zoom]").getText()).contains("Reset zoom");
        browser.screenshot("07-deep-link-restored");
    }

    @Test
    @Order(80)
    void anotherTeamsRunIsNotFound() {
        // bob is in no team of admin's: admin's runs do not exist for him
        user.post("/api/v1/users", "{\"username\": \"bob\", \"password\": \"bob-has-a-long-password\", \"admin\": false}");
        browser.signOut();
        browser.signIn("bob", "bob-has-a-long-password");
        browser.go("/runs/" + formRunId);
        assertThat(browser.find("[data-testid=not-found]").getText()).contains("not found, or it is not yours");
        browser.screenshot("08-not-found");
        browser.signOut();
        browser.signIn("admin", backend.adminPassword());
    }

    @Test
    @Order(90)
    void aBackendThatGoesAwaySaysSoInsteadOfABlankPage() {
        browser.go("/runs");
        browser.find("[data-testid=runs-table]");
        stopAgent();
        backend.close();
        backend = null;
        browser.find("nav a[href='/queue']").click();
        assertThat(browser.find("[data-testid=backend-down]").getText()).contains("The backend is not reachable");
        browser.screenshot("09-backend-down");
    }

    // --- helpers

    private static void stopAgent() {
        if (agent != null) {
            agent.requestShutdown();
            try {
                agentThread.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            agent = null;
        }
    }

    private static void fill(String path, String value) {
        browser.type("#f-" + path.replace('.', '-'), value);
    }

    private static String param(String pathAndQuery, String name) {
        for (String kv : URI.create(pathAndQuery).getRawQuery().split("&")) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + pathAndQuery);
    }

    /** The chart's visible x range once it matches the requested one (within a bucket of rounding). */
    private static String[] shownRange(double from, double to) {
        WebElement chart = browser.find("[data-testid=compare-chart]");
        String min = chart.getAttribute("data-x-min");
        String max = chart.getAttribute("data-x-max");
        if (min == null || max == null || min.equals("null")) {
            return null;
        }
        boolean matches = Math.abs(Double.parseDouble(min) - from) < 1e-6 && Math.abs(Double.parseDouble(max) - to) < 1e-6;
        return matches ? new String[] {min, max} : null;
    }

    private static long totalRuns() {
        return user.get("/api/v1/runs?size=1").path("totalItems").asLong();
    }

    private static long firstRunNamed(String name) {
        for (JsonNode r : user.get("/api/v1/runs?size=100").path("items")) {
            if (r.path("name").asString().equals(name)) {
                return r.path("id").asLong();
            }
        }
        throw new AssertionError("no run named " + name);
    }

    private static void awaitEnd(long id) {
        long deadline = System.nanoTime() + TRAINING.toNanos();
        while (System.nanoTime() < deadline) {
            String status = user.run(id).path("status").asString();
            if (status.equals("SUCCEEDED")) {
                return;
            }
            assertThat(status).as("run %d", id).isIn("QUEUED", "RUNNING");
            sleep(500);
        }
        throw new AssertionError("run " + id + " did not end within " + TRAINING);
    }

    private static synchronized void startAgent() {
        if (agent != null) {
            return;
        }
        BackendClient client = BackendClient.connect(backend.baseUri(), backend.workerTokenFile());
        // as the agent runs it: spec paths only inside its data root (the corpus lives there)
        agent = new NodeAgent(client, new LlamaRunTrainer(TrainerSettings.defaults().withCacheRoot(root.resolve("cache"))
                .withFileAccess(dev.normlab.worker.data.FileAccess.within(root))),
                new WorkerCapabilities("browser-e2e-agent", "cpu", 8L << 30), root.resolve("worker"), 5);
        agentThread = new Thread(() -> agent.run(false), "e2e-agent");
        agentThread.setDaemon(true);
        agentThread.start();
    }

    /** The tiny LLaMA of the agent tests (nano, one layer) on the test corpus. */
    private static String spec(String name, String optimizer, long steps) {
        return """
                {"project": "default", "name": "%s",
                 "model": {"preset": "nano", "layers": 1},
                 "optimizer": {"name": "%s", "lr": 0.01},
                 "data": {"corpus": "%s", "format": "text", "heldOutFraction": 0.1},
                 "tokenizer": "byte", "seqLen": 32, "batchSize": 4, "steps": %d,
                 "evalEvery": 100, "evalBatches": 2, "device": "cpu"}"""
                .formatted(name, optimizer, corpus.toAbsolutePath(), steps);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonNode json(String body) {
        return JSON.readTree(body);
    }
}
