package dev.normlab.backend.system;

import jakarta.validation.ConstraintViolation;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Jackson and Bean Validation failures as the field problems of a 400: one mapping for the exception handler,
 * the clone's merge-patch and the metric batch reader.
 */
public final class FieldProblems {

    private FieldProblems() {
    }

    /** Bean Validation violations, one problem each, sorted by field. */
    public static List<FieldProblem> of(Collection<? extends ConstraintViolation<?>> violations) {
        return violations.stream().map(v -> new FieldProblem(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(FieldProblem::field)).toList();
    }

    /** Names the JSON field Jackson choked on: unknown property, wrong type, or malformed JSON. */
    public static FieldProblem of(JacksonException jackson) {
        String path = path(jackson);
        if (jackson instanceof UnrecognizedPropertyException unknown) {
            return new FieldProblem(path, "unknown field '" + unknown.getPropertyName() + "'");
        }
        if (jackson instanceof InvalidFormatException format) {
            String allowed = format.getTargetType() != null && format.getTargetType().isEnum()
                    ? ", expected one of " + java.util.Arrays.toString(format.getTargetType().getEnumConstants())
                    : " for " + (format.getTargetType() == null ? "this field" : format.getTargetType().getSimpleName());
            return new FieldProblem(path, "invalid value '" + format.getValue() + "'" + allowed);
        }
        if (path.isEmpty()) {
            return new FieldProblem("body", "malformed JSON: " + jackson.getOriginalMessage());
        }
        return new FieldProblem(path, jackson.getOriginalMessage());
    }

    /** The JSON path of the failure ({@code optimizer.lr}, {@code points[3].value}); empty for the whole body. */
    public static String path(JacksonException e) {
        if (e instanceof UnexpectedEndOfInputException) {
            return ""; // a truncated body: the body is what is wrong
        }
        if (e instanceof StreamReadException && e.processor() instanceof JsonParser parser) {
            return path(parser.streamReadContext()); // a parser error (duplicate key, number overflow): where it stood
        }
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String path(TokenStreamContext context) {
        String path = "";
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.currentName() != null) {
                path = c.currentName() + (path.isEmpty() || path.startsWith("[") ? "" : ".") + path;
            } else if (c.inArray() && c.hasCurrentIndex()) {
                path = "[" + c.getCurrentIndex() + "]" + (path.isEmpty() || path.startsWith("[") ? "" : ".") + path;
            }
        }
        return path;
    }
}
