package dev.normlab.backend.system;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

/**
 * JSON is read strictly, so that nothing a client sends is silently changed or turned into a 500 by the database:
 * <ul>
 * <li>a fraction for an integer ({@code "steps": 1.5}) is refused, not truncated ({@code ACCEPT_FLOAT_AS_INT} off);</li>
 * <li>a key given twice in one object is refused, not last-wins ({@code STRICT_DUPLICATE_DETECTION});</li>
 * <li>a string (or map key) with a NUL character is refused: PostgreSQL stores no U+0000 in text or jsonb;</li>
 * <li>a string with an unpaired surrogate ({@code "\ud800"}) is refused: it is not Unicode, and UTF-8 on its way to
 * the database would turn it into {@code ?}.</li>
 * </ul>
 * Each is a 400 naming the field (the exception handler reads Jackson's path).
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        SimpleModule strings = new SimpleModule("normlab-strict-strings")
                .addDeserializer(String.class, new StrictStringDeserializer())
                .addKeyDeserializer(String.class, new StrictKeyDeserializer());
        return builder -> builder
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .addModule(strings);
    }

    /** What is wrong with the text as a stored string, or null when nothing is. */
    static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "must not contain the NUL character (\\u0000)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired surrogate (\\u" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                        + "): it is not valid Unicode";
            }
        }
        return null;
    }

    private static final class StrictStringDeserializer extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String value = super.deserialize(p, ctxt);
            String problem = value == null ? null : problem(value);
            if (problem != null) {
                throw MismatchedInputException.from(p, String.class, problem);
            }
            return value;
        }
    }

    private static final class StrictKeyDeserializer extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) {
            String problem = problem(key);
            if (problem != null) {
                throw MismatchedInputException.from(ctxt.getParser(), String.class, "key " + problem);
            }
            return key;
        }
    }
}
