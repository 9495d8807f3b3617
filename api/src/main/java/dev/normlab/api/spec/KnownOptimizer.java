package dev.normlab.api.spec;

import dev.normlab.api.memory.OptimizerKind;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An optimizer name {@link OptimizerKind} knows: the one list of names for the spec, the memory model and the factory. */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = KnownOptimizer.Check.class)
public @interface KnownOptimizer {

    String message() default "unknown optimizer";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<KnownOptimizer, String> {

        @Override
        public boolean isValid(String name, ConstraintValidatorContext context) {
            if (name == null || OptimizerKind.byId(name).isPresent()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate("must be one of " + String.join(", ", OptimizerKind.ids()))
                    .addConstraintViolation();
            return false;
        }
    }
}
