package dev.normlab.backend.metric;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.normlab.api.worker.MetricBatch;
import dev.normlab.api.worker.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The metric endpoints over MockMvc. */
record MetricApi(MockMvcTester mvc, String workerBearer, String userBearer) {

    MvcTestResult post(long run, String body) {
        return mvc.post().uri("/api/v1/worker/runs/" + run + "/metrics").header(HttpHeaders.AUTHORIZATION, workerBearer)
                .contentType(MediaType.APPLICATION_JSON).content(body).exchange();
    }

    void postOk(long run, String body) {
        assertThat(post(run, body)).hasStatus(HttpStatus.NO_CONTENT);
    }

    MvcTestResult history(long run, String query) {
        return mvc.get().uri("/api/v1/runs/" + run + "/metrics?" + query).header(HttpHeaders.AUTHORIZATION, userBearer).exchange();
    }

    /** The points of one key of a history answer as step → value, checking each raw point's x is its step. */
    static TreeMap<Long, Double> rawSteps(MvcTestResult history, String key) {
        TreeMap<Long, Double> out = new TreeMap<>();
        List<Map<String, Object>> points = JsonPath.read(body(history), "$.series[?(@.key == '" + key + "')].points[*]");
        for (Map<String, Object> p : points) {
            long step = ((Number) p.get("step")).longValue();
            assertThat(out.put(step, ((Number) p.get("value")).doubleValue())).as("step %d twice", step).isNull();
        }
        return out;
    }

    static String body(MvcTestResult result) {
        return new String(result.getResponse().getContentAsByteArray(), StandardCharsets.UTF_8);
    }

    /** A service-level batch (bench and long-series tests skip HTTP) for the given steps of a series. */
    static MetricBatch batch(int attempt, Series series, List<Long> steps) {
        List<MetricPoint> points = new ArrayList<>(steps.size());
        for (long step : steps) {
            points.add(new MetricPoint(series.key(), step, Series.tokens(step), Series.seconds(step), series.values().get(step)));
        }
        return new MetricBatch(attempt, points);
    }
}
