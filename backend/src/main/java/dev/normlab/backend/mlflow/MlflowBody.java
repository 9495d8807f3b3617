package dev.normlab.backend.mlflow;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request body as MLflow clients write it (protobuf JSON): int64 fields may come as numbers or strings, doubles as
 * numbers or the strings "NaN", "Infinity", "-Infinity" (Python may also send the bare tokens), and fields this API
 * does not know are ignored, as MLflow's own server does.
 */
final class MlflowBody {

    /** MLflow's limit on a log-batch request. */
    static final int MAX_BYTES = 1_000_000;

    private final ObjectNode node;

    private MlflowBody(ObjectNode node) {
        this.node = node;
    }

    /** The application's mapper, also reading the bare tokens NaN and Infinity (built once: a mapper caches a lot). */
    static JsonMapper lenient(JsonMapper mapper) {
        return mapper.rebuild().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    }

    /** @param mapper a {@link #lenient} mapper */
    static MlflowBody parse(JsonMapper mapper, byte[] body) {
        if (body == null || body.length == 0) {
            return new MlflowBody(mapper.createObjectNode());
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new MlflowException(MlflowErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
        }
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            return new MlflowBody(mapper.createObjectNode());
        }
        if (!tree.isObject()) {
            throw new MlflowException(MlflowErrorCode.BAD_REQUEST, "the request body must be a JSON object");
        }
        return new MlflowBody((ObjectNode) tree);
    }

    static MlflowBody of(JsonNode node) {
        return new MlflowBody(node instanceof ObjectNode o ? o : null);
    }

    String string(String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw MlflowException.invalid("Invalid value for parameter '" + field + "': must be a string");
        }
        return v.asString();
    }

    String required(String field) {
        String v = string(field);
        if (v == null || v.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter '" + field + "'");
        }
        return v;
    }

    /** The first present of several names (MLflow's run_id and its older alias run_uuid). */
    String required(String field, String alias) {
        String v = string(field);
        return v != null && !v.isEmpty() ? v : required(alias);
    }

    Long longValue(String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isString()) {
            try {
                return Long.parseLong(v.asString().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw MlflowException.invalid("Invalid value " + v + " for parameter '" + field + "': must be an integer");
    }

    /** A double, also "NaN", "Infinity", "-Infinity" (and numeric strings); null when absent. */
    Double doubleValue(String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isString()) {
            String s = v.asString().trim();
            switch (s) {
                case "NaN", "nan" -> {
                    return Double.NaN;
                }
                case "Infinity", "inf", "+Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity", "-inf" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                    try {
                        return Double.parseDouble(s);
                    } catch (NumberFormatException e) {
                        // fall through
                    }
                }
            }
        }
        throw MlflowException.invalid("Invalid value " + v + " for parameter '" + field + "': must be a number");
    }

    /** The objects of an array field (empty when absent). */
    List<MlflowBody> objects(String field) {
        JsonNode v = node == null ? null : node.get(field);
        List<MlflowBody> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw MlflowException.invalid("Invalid value for parameter '" + field + "': must be an array");
        }
        for (JsonNode e : v) {
            if (!e.isObject()) {
                throw MlflowException.invalid("Invalid value for parameter '" + field + "': must be an array of objects");
            }
            out.add(of(e));
        }
        return out;
    }

    /** The strings of an array field (empty when absent); a single string counts as a one-element array. */
    List<String> strings(String field) {
        JsonNode v = node == null ? null : node.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isValueNode()) {
            out.add(v.asString());
            return out;
        }
        for (JsonNode e : v) {
            out.add(e.asString());
        }
        return out;
    }

    int size(String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || !v.isArray() ? 0 : v.size();
    }
}
