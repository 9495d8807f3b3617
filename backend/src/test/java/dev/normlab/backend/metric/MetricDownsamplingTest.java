package dev.normlab.backend.metric;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * A long noisy loss curve with injected spikes and dips, downsampled through the blocks, checked bucket by
 * bucket against brute force over the points the test sent.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricDownsamplingTest {

    static final int N = 100_000;
    static final int SHORT_N = 30_000;

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    MetricIngestService ingest;

    MetricApi metrics;
    long longRun;
    long shortRun;
    Series curve;
    Series shortCurve;
    /** step → injected value: 16 spikes up, 8 dips down, at random steps */
    final TreeMap<Long, Double> spikes = new TreeMap<>();

    @BeforeAll
    void ingestTwoRuns() {
        fixtures.deleteAllRuns();
        metrics = new MetricApi(mvc, fixtures.workerBearer(), fixtures.adminBearer());
        Random random = new Random(42);
        while (spikes.size() < 24) {
            long step = 1 + random.nextInt(N - 2);
            // at least 1000 steps apart, so that at 300+ buckets each has its own bucket
            if (spikes.subMap(step - 1000, step + 1000).isEmpty()) {
                spikes.put(step, spikes.size() < 16 ? 20.0 + spikes.size() : -10.0 - spikes.size());
            }
        }
        curve = Series.of("train_loss", noisy(N, random, spikes));
        shortCurve = Series.of("train_loss", noisy(SHORT_N, random, Map.of()));
        longRun = submitAndClaim();
        load(longRun, curve);
        shortRun = submitAndClaim();
        load(shortRun, shortCurve);
    }

    private static Map<Long, Double> noisy(int n, Random random, Map<Long, Double> spikes) {
        Map<Long, Double> values = new TreeMap<>();
        for (long step = 0; step < n; step++) {
            values.put(step, spikes.getOrDefault(step, 2.0 + 8.0 / (1 + step / 1000.0) + 0.1 * random.nextGaussian()));
        }
        return values;
    }

    private long submitAndClaim() {
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        long id = Fixtures.idOf(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange());
        assertThat(worker.claimRun()).isEqualTo(id);
        return id;
    }

    /** Through the service (HTTP is covered elsewhere), batches of 1000 like a worker's sink. */
    private void load(long run, Series series) {
        List<Long> steps = new ArrayList<>(series.values().keySet());
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        for (int from = 0; from < steps.size(); from += 1000) {
            ingest.ingest(fixtures.workerCaller(), run, MetricApi.batch(1, series, steps.subList(from, Math.min(steps.size(), from + 1000))));
            if (from % 20_000 == 0) {
                worker.heartbeat(run, 1); // as a worker would: a slow (loaded) machine must not lose the lease
            }
        }
    }

    record Answer(String body) {
        List<Map<String, Object>> points(int series) {
            return JsonPath.read(body, "$.series[" + series + "].points[*]");
        }

        double grid(String field) {
            return ((Number) JsonPath.read(body, "$.buckets." + field)).doubleValue();
        }

        Object at(String path) {
            return JsonPath.read(body, path);
        }
    }

    private static Answer ok(MvcTestResult result) {
        assertThat(result).hasStatusOk();
        return new Answer(MetricApi.body(result));
    }

    private static double num(Map<String, Object> p, String field) {
        return ((Number) p.get(field)).doubleValue();
    }

    /** The answer's buckets (after the leading first point) equal brute force over [fromStep, toStep] on its grid. */
    private static void assertBucketsExact(Answer answer, int series, Series sent, long fromStep, long toStep,
            java.util.function.LongToDoubleFunction x) {
        List<Map<String, Object>> points = answer.points(series);
        List<Reference.Bucket> expected = Reference.buckets(sent.values(), fromStep, toStep, x, answer.grid("from"),
                answer.grid("width"), (int) answer.grid("count"));
        List<Reference.Bucket> actual = points.subList(1, points.size()).stream()
                .map(p -> new Reference.Bucket((Integer) p.get("bucket"), ((Number) p.get("count")).longValue(), num(p, "min"),
                        num(p, "max"), ((Number) p.get("step")).longValue(), num(p, "value")))
                .toList();
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {20, 200, 1000, 5000}) // block levels 3, 2, 1, 1
    void aDownsampledHistoryHasExactMinMaxLastBucketsKeepsFirstAndLastAndRespectsMaxPoints(int maxPoints) {
        Answer answer = ok(metrics.history(longRun, "keys=train_loss&maxPoints=" + maxPoints));
        List<Map<String, Object>> points = answer.points(0);
        assertThat(answer.at("$.series[0].sampled")).isEqualTo(true);
        assertThat(points).hasSizeLessThanOrEqualTo(maxPoints).hasSizeGreaterThan(maxPoints / 2);
        assertThat(((Number) answer.at("$.series[0].pointsInRange")).longValue()).isEqualTo(N);
        Map<String, Object> first = points.get(0);
        assertThat(num(first, "step")).isZero();
        assertThat(num(first, "value")).isEqualTo(curve.values().get(0L));
        Map<String, Object> last = points.get(points.size() - 1);
        assertThat(num(last, "step")).isEqualTo(N - 1);
        assertThat(num(last, "value")).isEqualTo(curve.values().get((long) N - 1));
        assertBucketsExact(answer, 0, curve, 0, N - 1, step -> step);

        // every spike and dip survives as the max or min of the bucket that holds its step (when few buckets put
        // two spikes in one, the larger one)
        double from = answer.grid("from");
        double width = answer.grid("width");
        int count = (int) answer.grid("count");
        java.util.function.LongToIntFunction bucketOf = step -> (int) Math.min(count - 1, Math.floor((step - from) / width));
        spikes.forEach((step, value) -> {
            int bucket = bucketOf.applyAsInt(step);
            Map<String, Object> holder = points.stream().skip(1).filter(p -> p.get("bucket").equals(bucket)).findFirst().orElseThrow();
            java.util.stream.DoubleStream sameBucket = spikes.entrySet().stream()
                    .filter(e -> bucketOf.applyAsInt(e.getKey()) == bucket && (e.getValue() > 0) == (value > 0))
                    .mapToDouble(Map.Entry::getValue);
            double expected = value > 0 ? sameBucket.max().orElseThrow() : sameBucket.min().orElseThrow();
            assertThat(value > 0 ? num(holder, "max") : num(holder, "min")).as("step %d", step).isEqualTo(expected);
        });
        if (maxPoints >= 1000) {
            spikes.values().forEach(v -> assertThat(points).anySatisfy(p -> assertThat(num(p, v > 0 ? "max" : "min")).isEqualTo(v)));
        }
    }

    @Test
    void aZoomedRangeIsReBucketedWithinItAndASmallEnoughRangeIsRaw() {
        Answer zoomed = ok(metrics.history(longRun, "keys=train_loss&from=50000.5&to=60000&maxPoints=200"));
        List<Map<String, Object>> points = zoomed.points(0);
        assertThat(points).hasSizeLessThanOrEqualTo(200);
        assertThat(num(points.get(0), "step")).isEqualTo(50_001);
        assertThat(num(points.get(points.size() - 1), "step")).isEqualTo(60_000);
        assertThat(points).allSatisfy(p -> assertThat(num(p, "x")).isBetween(50_001.0, 60_000.0));
        assertThat(((Number) zoomed.at("$.series[0].pointsInRange")).longValue()).isEqualTo(10_000);
        assertThat(zoomed.grid("width")).isLessThan(N / 200.0); // finer than the full view's buckets
        assertBucketsExact(zoomed, 0, curve, 50_001, 60_000, step -> step);

        Answer raw = ok(metrics.history(longRun, "keys=train_loss&from=73457&to=74456&maxPoints=1000"));
        assertThat(raw.at("$.series[0].sampled")).isEqualTo(false);
        TreeMap<Long, Double> rawPoints = new TreeMap<>();
        raw.points(0).forEach(p -> rawPoints.put(((Number) p.get("step")).longValue(), num(p, "value")));
        assertThat(rawPoints).isEqualTo(curve.values().subMap(73_457L, true, 74_456L, true));
    }

    @Test
    void onTheTokensAxisEverySpikeSurvivesAndEveryBucketEndsOnARealPoint() {
        Answer answer = ok(metrics.history(longRun, "keys=train_loss&x=tokens&maxPoints=300"));
        List<Map<String, Object>> points = answer.points(0);
        assertThat(points).hasSizeLessThanOrEqualTo(300);
        assertThat(num(points.get(0), "x")).isZero();
        assertThat(num(points.get(points.size() - 1), "x")).isEqualTo(Series.tokens(N - 1));
        assertThat(points.stream().mapToLong(p -> ((Number) p.get("count")).longValue()).sum() - 1).isEqualTo(N);
        assertThat(points).allSatisfy(p -> {
            long step = ((Number) p.get("step")).longValue();
            assertThat(num(p, "x")).isEqualTo(Series.tokens(step));
            assertThat(num(p, "value")).isEqualTo(curve.values().get(step));
            assertThat(num(p, "min")).isLessThanOrEqualTo(num(p, "value"));
            assertThat(num(p, "max")).isGreaterThanOrEqualTo(num(p, "value"));
        });
        TreeSet<Double> maxima = new TreeSet<>();
        TreeSet<Double> minima = new TreeSet<>();
        points.forEach(p -> {
            maxima.add(num(p, "max"));
            minima.add(num(p, "min"));
        });
        spikes.forEach((step, value) -> assertThat(value > 0 ? maxima : minima).as("step %d", step).contains(value));
    }

    @Test
    void compareAlignsRunsOfDifferentLengthsOnOneGrid() {
        Answer answer = ok(mvc.get().uri("/api/v1/compare?runs=" + longRun + "," + shortRun + "&key=train_loss&maxPoints=500")
                .header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()).exchange());
        assertThat(answer.at("$.series[*].runId")).asList().containsExactly((int) longRun, (int) shortRun);
        assertThat(answer.at("$.series[*].sampled")).asList().containsOnly(true);
        assertBucketsExact(answer, 0, curve, 0, N - 1, step -> step);
        assertBucketsExact(answer, 1, shortCurve, 0, SHORT_N - 1, step -> step);
        // the short run fills only the buckets up to its last step, and the same bucket index means the same x range
        List<Map<String, Object>> shortPoints = answer.points(1);
        int lastShortBucket = (Integer) shortPoints.get(shortPoints.size() - 1).get("bucket");
        assertThat((lastShortBucket + 1) * answer.grid("width") + answer.grid("from")).isGreaterThan(SHORT_N - 1);
        assertThat(lastShortBucket * answer.grid("width") + answer.grid("from")).isLessThanOrEqualTo(SHORT_N - 1);

        Answer zoomed = ok(mvc.get().uri("/api/v1/compare?runs=" + longRun + "," + shortRun + "&key=train_loss&from=29000&to=29999")
                .header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()).exchange());
        assertThat(zoomed.at("$.series[*].sampled")).asList().containsOnly(false);
        assertThat(zoomed.at("$.series[*].pointsInRange")).asList().containsExactly(1000, 1000);
    }

    @Test
    void compareIs404ForARunOfAnotherTeamAndNamesBadParameters() {
        Fixtures.Team other = fixtures.newTeam("cmp");
        assertThat(mvc.get().uri("/api/v1/compare?runs=" + longRun + "&key=train_loss").header(HttpHeaders.AUTHORIZATION, other.bearer()))
                .hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.get().uri("/api/v1/compare?runs=" + longRun + "," + (shortRun + 999) + "&key=train_loss")
                .header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.get().uri("/api/v1/compare?runs=1,x&key=train_loss&x=epochs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[*].field").asArray().containsExactly("x", "runs");
    }
}
