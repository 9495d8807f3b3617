package dev.normlab.api.spec;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * {@code precision: bf16} only with {@code device: gpu}, reported on the field {@code precision}. bf16 is mixed
 * precision on a GPU; a CPU run trains in fp32 (DJL 0.35.1 aborts the JVM on CPU bf16 arrays), and a run with
 * {@code device: any} may be claimed by a CPU worker, so both are refused at submit rather than failed on a worker.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PrecisionFitsDevice.Check.class)
public @interface PrecisionFitsDevice {

    String message() default "bf16 (mixed precision) needs device gpu: CPU runs train in fp32, and a run with device "
            + "cpu or any may land on a CPU worker; set \"device\": \"gpu\" or \"precision\": \"fp32\"";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The rule itself; the violation is attached to {@code precision} so a 400 names that field. */
    final class Check implements ConstraintValidator<PrecisionFitsDevice, RunSpec> {

        @Override
        public boolean isValid(RunSpec spec, ConstraintValidatorContext context) {
            if (spec == null || !"bf16".equals(spec.precision()) || "gpu".equals(spec.device())) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("precision")
                    .addConstraintViolation();
            return false;
        }
    }
}
