package dev.normlab.worker.training;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.FailureKind;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Bean Validation of a spec with the annotations the backend uses: each problem named by its property path. */
public final class SpecCheck {

    private SpecCheck() {
    }

    /** Every violation as {@code path: message}, sorted by path; empty when the spec is valid. */
    public static List<String> violations(RunSpec spec) {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            Set<ConstraintViolation<RunSpec>> found = validator.validate(spec);
            return found.stream()
                    .map(v -> describe(v.getPropertyPath().toString(), v.getMessage()))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
    }

    /** @throws TrainingFailedException {@link FailureKind#INVALID_SPEC} listing every violation */
    public static void requireValid(RunSpec spec) {
        if (spec == null) {
            throw new TrainingFailedException(FailureKind.INVALID_SPEC, "spec: missing");
        }
        List<String> problems = violations(spec);
        if (!problems.isEmpty()) {
            throw new TrainingFailedException(FailureKind.INVALID_SPEC, "invalid spec: " + String.join("; ", problems));
        }
    }

    private static String describe(String path, String message) {
        return (path.isEmpty() ? "spec" : path) + ": " + message;
    }
}
