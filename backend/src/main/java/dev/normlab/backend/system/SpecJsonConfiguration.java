package dev.normlab.backend.system;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.normlab.api.model.ModelDims;
import dev.normlab.api.spec.DataSpec;
import dev.normlab.api.spec.ModelSpec;
import dev.normlab.api.spec.OptimizerSpec;
import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.spec.ScheduleSpec;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The spec records of {@code api/} carry Bean Validation helpers such as {@code isComplete()} and
 * {@code isEuroparl()}; Jackson would write them as properties ("complete", "europarl") that no reader accepts
 * back. The spec is JSON by its record components only: in the API, in jsonb and in the worker's assignment.
 */
@Configuration(proxyBeanMethods = false)
class SpecJsonConfiguration {

    @JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
    private interface ComponentsOnly {
    }

    @Bean
    JsonMapperBuilderCustomizer specRecordsAsComponentsOnly() {
        return builder -> {
            for (Class<?> spec : new Class<?>[] {RunSpec.class, ModelSpec.class, OptimizerSpec.class, DataSpec.class,
                    ScheduleSpec.class, ModelDims.class}) {
                builder.addMixIn(spec, ComponentsOnly.class);
            }
        };
    }
}
