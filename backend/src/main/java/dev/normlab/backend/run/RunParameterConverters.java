package dev.normlab.backend.run;

import dev.normlab.api.memory.OptimizerKind;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * How the runs list's query values read: statuses and orders in any case, optimizers by their id, sorts by their
 * API name. A value that is none of them fails with a message listing what is allowed.
 */
@Configuration(proxyBeanMethods = false)
class RunParameterConverters implements WebMvcConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, RunStatus.class, s -> parse(RunStatus.class, "status", s));
        registry.addConverter(String.class, RunListParams.SortOrder.class, s -> parse(RunListParams.SortOrder.class, "order", s));
        registry.addConverter(String.class, OptimizerKind.class, s -> OptimizerKind.byId(s).orElseThrow(
                () -> new IllegalArgumentException("unknown optimizer '" + s.trim() + "', expected one of " + OptimizerKind.ids())));
        registry.addConverter(String.class, RunQuery.Sort.class, s -> RunQuery.Sort.byApiName(s.trim()).orElseThrow(
                () -> new IllegalArgumentException("unknown sort '" + s.trim() + "', expected one of " + RunQuery.Sort.apiNames())));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String what, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + what + " '" + value.trim() + "', expected one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }
}
