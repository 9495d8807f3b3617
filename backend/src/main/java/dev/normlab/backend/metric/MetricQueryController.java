package dev.normlab.backend.metric;

import dev.normlab.backend.system.FieldProblem;
import dev.normlab.backend.system.InvalidRequestException;
import dev.normlab.backend.team.Caller;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Downsampled metric histories (user tokens; another team's run is 404). */
@RestController
@RequestMapping("/api/v1")
class MetricQueryController {

    static final int MAX_POINTS_LIMIT = 10_000;
    static final int MAX_COMPARED_RUNS = 50;

    private final MetricQueryService metrics;

    MetricQueryController(MetricQueryService metrics) {
        this.metrics = metrics;
    }

    /**
     * @param keys comma-separated metric keys; default every key of the run
     * @param x step, tokens or seconds
     * @param from inclusive x lower bound (zoom), default the first point
     * @param to inclusive x upper bound, default the last point
     * @param maxPoints entries per series, 2–10000
     */
    @GetMapping("/runs/{id}/metrics")
    MetricHistory history(@PathVariable long id, Caller caller,
            @RequestParam(required = false) String keys,
            @RequestParam(defaultValue = "step") String x,
            @RequestParam(required = false) Double from,
            @RequestParam(required = false) Double to,
            @RequestParam(defaultValue = "1000") int maxPoints) {
        List<FieldProblem> problems = new ArrayList<>();
        MetricWindow window = window(x, from, to, maxPoints, problems);
        List<String> keyList = split(keys);
        throwIfAny(problems);
        return metrics.history(caller, id, keyList, window);
    }

    /**
     * @param runs comma-separated run ids (at most 50)
     * @param key the metric to overlay
     */
    @GetMapping("/compare")
    MetricHistory compare(Caller caller,
            @RequestParam String runs,
            @RequestParam String key,
            @RequestParam(defaultValue = "step") String x,
            @RequestParam(required = false) Double from,
            @RequestParam(required = false) Double to,
            @RequestParam(defaultValue = "1000") int maxPoints) {
        List<FieldProblem> problems = new ArrayList<>();
        MetricWindow window = window(x, from, to, maxPoints, problems);
        List<Long> ids = new ArrayList<>();
        for (String s : split(runs)) {
            try {
                ids.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                problems.add(new FieldProblem("runs", "'" + s + "' is not a run id"));
            }
        }
        if (ids.isEmpty() && problems.isEmpty()) {
            problems.add(new FieldProblem("runs", "name at least one run"));
        }
        if (ids.size() > MAX_COMPARED_RUNS) {
            problems.add(new FieldProblem("runs", "at most " + MAX_COMPARED_RUNS + " runs"));
        }
        if (key.isBlank()) {
            problems.add(new FieldProblem("key", "must not be blank"));
        }
        throwIfAny(problems);
        return metrics.compare(caller, ids.stream().distinct().toList(), key.trim(), window);
    }

    private static MetricWindow window(String x, Double from, Double to, int maxPoints, List<FieldProblem> problems) {
        XAxis axis = XAxis.byId(x).orElse(null);
        if (axis == null) {
            problems.add(new FieldProblem("x", "unknown x '" + x + "', expected step, tokens or seconds"));
        }
        if (from != null && !Double.isFinite(from)) {
            problems.add(new FieldProblem("from", "must be a finite number"));
        }
        if (to != null && !Double.isFinite(to)) {
            problems.add(new FieldProblem("to", "must be a finite number"));
        }
        if (from != null && to != null && from > to) {
            problems.add(new FieldProblem("to", "must not be below from"));
        }
        if (maxPoints < 2 || maxPoints > MAX_POINTS_LIMIT) {
            problems.add(new FieldProblem("maxPoints", "must be between 2 and " + MAX_POINTS_LIMIT));
        }
        return new MetricWindow(axis, from, to, maxPoints);
    }

    private static void throwIfAny(List<FieldProblem> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
    }

    private static List<String> split(String csv) {
        return csv == null ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
