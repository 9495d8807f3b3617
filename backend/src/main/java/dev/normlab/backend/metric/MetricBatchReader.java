package dev.normlab.backend.metric;

import dev.normlab.api.worker.MetricBatch;
import dev.normlab.api.worker.MetricPoint;
import dev.normlab.backend.system.FieldProblem;
import dev.normlab.backend.system.FieldProblems;
import dev.normlab.backend.system.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and validates a metric batch. The JSON tokens {@code NaN} and {@code Infinity} are parsed (not rejected
 * by the parser as malformed JSON) so that a non-finite value, like {@code 1e400} overflowing to Infinity, is a
 * 400 naming the point: {@code points[3].value: must be a finite number}. Nothing of a rejected batch is stored.
 */
@Component
class MetricBatchReader {

    static final String NOT_FINITE = "must be a finite number";
    static final String NOT_NEGATIVE = "must be greater than or equal to 0";
    /** As on {@link MetricPoint#key()}. */
    static final Pattern KEY = Pattern.compile("[a-z0-9_./-]{1,64}");
    static final String KEY_MESSAGE = "must be 1-64 of a-z 0-9 _ . / -";

    private final JsonMapper json;
    private final Validator validator;

    MetricBatchReader(JsonMapper json, Validator validator) {
        this.json = json.rebuild().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        this.validator = validator;
    }

    /**
     * The constraints {@link MetricPoint} declares, checked by hand: Hibernate Validator's per-element cascade
     * cost four times the JSON parse of a 1000-point batch. {@code MetricBatchReaderTest} keeps both in step.
     */
    static void checkPoint(String path, MetricPoint p, List<FieldProblem> problems) {
        if (p == null) {
            problems.add(new FieldProblem(path, "must not be null"));
            return;
        }
        if (p.key() == null || p.key().isBlank()) {
            problems.add(new FieldProblem(path + ".key", "must not be blank"));
        }
        if (p.key() != null && !KEY.matcher(p.key()).matches()) {
            problems.add(new FieldProblem(path + ".key", KEY_MESSAGE));
        }
        if (p.step() == null) {
            problems.add(new FieldProblem(path + ".step", "must not be null"));
        } else if (p.step() < 0) {
            problems.add(new FieldProblem(path + ".step", NOT_NEGATIVE));
        }
        if (p.tokens() != null && p.tokens() < 0) {
            problems.add(new FieldProblem(path + ".tokens", NOT_NEGATIVE));
        }
        if (p.seconds() != null && !Double.isFinite(p.seconds())) {
            problems.add(new FieldProblem(path + ".seconds", NOT_FINITE));
        } else if (p.seconds() != null && p.seconds() < 0) {
            problems.add(new FieldProblem(path + ".seconds", NOT_NEGATIVE));
        }
        if (p.value() == null) {
            problems.add(new FieldProblem(path + ".value", "must not be null"));
        } else if (!Double.isFinite(p.value())) {
            problems.add(new FieldProblem(path + ".value", NOT_FINITE));
        }
    }

    MetricBatch read(byte[] body, HttpServletRequest request) {
        MetricBatch batch;
        try {
            batch = json.readValue(body, MetricBatch.class);
        } catch (JacksonException e) {
            // the one exception handler names the field Jackson choked on
            throw new HttpMessageNotReadableException("unreadable metric batch", e, new ServletServerHttpRequest(request));
        }
        if (batch == null) {
            throw new InvalidRequestException("body", "is missing");
        }
        List<FieldProblem> problems = new ArrayList<>();
        // the batch's own fields by Bean Validation; validateProperty does not cascade into the points
        for (String property : new String[] {"attempt", "points"}) {
            problems.addAll(FieldProblems.of(validator.validateProperty(batch, property)));
        }
        if (batch.points() != null) {
            for (int i = 0; i < batch.points().size(); i++) {
                checkPoint("points[" + i + "]", batch.points().get(i), problems);
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(FieldProblem::field));
            throw new InvalidRequestException(problems);
        }
        return batch;
    }
}
