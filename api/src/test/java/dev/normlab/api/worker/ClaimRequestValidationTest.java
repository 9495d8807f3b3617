package dev.normlab.api.worker;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimRequestValidationTest {

    private static EngineReport report(String deviceKind, Long memory) {
        return new EngineReport("0.35.1", "PyTorch", "2.7.1", "cu128", "/root/.djl.ai/pytorch/2.7.1-cu128-linux-x86_64",
                true, 1, deviceKind, "NVIDIA L4", memory, "12.8", "8.9", true, 812.0, 9_000.0);
    }

    private static List<String> invalidFields(ClaimRequest claim) {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            return factory.getValidator().validate(claim).stream()
                    .map(ConstraintViolation::getPropertyPath).map(Object::toString).sorted().toList();
        }
    }

    @Test
    void the_engine_report_is_optional_and_checked_when_given() {
        assertThat(invalidFields(new ClaimRequest("w", "gpu", 1L << 34, 0))).isEmpty();
        assertThat(invalidFields(new ClaimRequest("w", "gpu", 1L << 34, 0, report("gpu", 1L << 34)))).isEmpty();
        assertThat(invalidFields(new ClaimRequest("w", "gpu", 1L << 34, 0, report("tpu", 0L))))
                .containsExactly("engine.deviceKind", "engine.deviceMemoryBytes");
    }

    @Test
    void the_report_describes_the_loaded_libtorch_in_one_line() {
        assertThat(report("gpu", 1L).libtorchDescription())
                .isEqualTo("PyTorch 2.7.1 (cu128) from /root/.djl.ai/pytorch/2.7.1-cu128-linux-x86_64, DJL 0.35.1");
    }
}
