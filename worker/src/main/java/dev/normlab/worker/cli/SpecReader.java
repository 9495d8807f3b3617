package dev.normlab.worker.cli;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.worker.training.SpecCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a run spec from a JSON file: Jackson rejects unknown fields and wrong types, then Bean Validation
 * checks the values with the rules the backend applies. Every error names the field.
 */
public final class SpecReader {

    private final JsonMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** @throws InvalidSpecException naming the file and the field */
    public RunSpec read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidSpecException("--spec: no such file: " + file);
        }
        RunSpec spec;
        try {
            spec = json.readValue(file.toFile(), RunSpec.class);
        } catch (JacksonException e) {
            throw new InvalidSpecException(file + ": " + describe(e), e);
        }
        if (spec == null) {
            throw new InvalidSpecException(file + ": empty spec; give at least {\"optimizer\": {\"name\": \"adamw\"}}");
        }
        List<String> problems = SpecCheck.violations(spec);
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(file + ": invalid spec:\n  " + String.join("\n  ", problems));
        }
        return spec;
    }

    private static String describe(JacksonException e) {
        String path = pathOf(e);
        if (e instanceof UnrecognizedPropertyException u) {
            return path + ": unknown field '" + u.getPropertyName() + "'; known fields here: " + u.getKnownPropertyIds();
        }
        TokenStreamLocation at = e.getLocation();
        String where = at != null ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")" : "";
        return (path.isEmpty() ? "spec" : path) + ": " + e.getOriginalMessage() + where;
    }

    // e.g. "model.layers" or "tags[2]"
    private static String pathOf(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
