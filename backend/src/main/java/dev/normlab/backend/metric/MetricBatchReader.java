package dev.normlab.backend.metric;

import dev.normlab.api.worker.MetricBatch;
import dev.normlab.api.worker.MetricPoint;
import dev.normlab.backend.system.FieldProblem;
import dev.normlab.backend.system.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    private final JsonMapper json;
    private final Validator validator;

    MetricBatchReader(JsonMapper json, Validator validator) {
        this.json = json.rebuild().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        this.validator = validator;
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
        Set<String> nonFinite = new HashSet<>();
        if (batch.points() != null) {
            for (int i = 0; i < batch.points().size(); i++) {
                MetricPoint p = batch.points().get(i);
                if (p == null) {
                    continue;
                }
                if (p.value() != null && !Double.isFinite(p.value())) {
                    nonFinite.add("points[" + i + "].value");
                }
                if (p.seconds() != null && !Double.isFinite(p.seconds())) {
                    nonFinite.add("points[" + i + "].seconds");
                }
            }
        }
        nonFinite.forEach(field -> problems.add(new FieldProblem(field, NOT_FINITE)));
        for (ConstraintViolation<MetricBatch> v : validator.validate(batch)) {
            String field = v.getPropertyPath().toString();
            if (!nonFinite.contains(field)) {
                problems.add(new FieldProblem(field, v.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(FieldProblem::field));
            throw new InvalidRequestException(problems);
        }
        return batch;
    }
}
