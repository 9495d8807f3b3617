package dev.normlab.backend.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.worker.MetricPoint;
import dev.normlab.backend.system.FieldProblem;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reader checks {@link MetricPoint}'s constraints by hand (for speed): it must say what Bean Validation says
 * about the same point, except that a non-finite value or seconds is "must be a finite number".
 */
class MetricBatchReaderTest {

    @Test
    void theHandWrittenPointChecksAgreeWithTheDeclaredConstraintsOnEveryCombination() {
        List<String> keys = Arrays.asList("train_loss", "eval/ppl-1.x", "", " ", "Train", "a".repeat(64), "a".repeat(65), null);
        List<Long> steps = Arrays.asList(null, -1L, 0L, 7L);
        List<Long> tokens = Arrays.asList(null, -1L, 0L, 4096L);
        List<Double> seconds = Arrays.asList(null, -0.5, 0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        List<Double> values = Arrays.asList(null, 1.0, -3.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        int checked = 0;
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            for (String key : keys) {
                for (Long step : steps) {
                    for (Long token : tokens) {
                        for (Double second : seconds) {
                            for (Double value : values) {
                                MetricPoint point = new MetricPoint(key, step, token, second, value);
                                List<FieldProblem> actual = new ArrayList<>();
                                MetricBatchReader.checkPoint("points[0]", point, actual);
                                assertThat(new HashSet<>(actual)).as("%s", point).isEqualTo(expected(validator, point));
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(8 * 4 * 4 * 7 * 6);
    }

    private static Set<FieldProblem> expected(Validator validator, MetricPoint point) {
        Set<String> nonFinite = new HashSet<>();
        if (point.value() != null && !Double.isFinite(point.value())) {
            nonFinite.add("value");
        }
        if (point.seconds() != null && !Double.isFinite(point.seconds())) {
            nonFinite.add("seconds");
        }
        Set<FieldProblem> out = new HashSet<>();
        nonFinite.forEach(f -> out.add(new FieldProblem("points[0]." + f, MetricBatchReader.NOT_FINITE)));
        validator.validate(point).stream()
                .filter(v -> !nonFinite.contains(v.getPropertyPath().toString()))
                .forEach(v -> out.add(new FieldProblem("points[0]." + v.getPropertyPath(), v.getMessage())));
        return out;
    }
}
