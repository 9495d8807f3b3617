package dev.normlab.client;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A failed call: the backend's problem+json (status, detail, field errors), or no answer at all (status 0).
 * {@link #exitCode()} is what the CLI exits with (documented in the usage footer and the README).
 */
final class ApiError extends RuntimeException {

    private final int status;
    private final JsonNode problem;

    ApiError(int status, String message, JsonNode problem) {
        super(message);
        this.status = status;
        this.problem = problem;
    }

    int status() {
        return status;
    }

    int exitCode() {
        if (status == 0 || status >= 500) {
            return ExitCodes.UNREACHABLE;
        }
        if (status == 401 || status == 403) {
            return ExitCodes.DENIED;
        }
        return ExitCodes.REFUSED;
    }

    /** The lines to print: status and detail, then one line per field error. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (problem == null) {
            lines.add(getMessage());
            return lines;
        }
        String title = problem.path("title").asString("");
        String detail = problem.path("detail").asString("");
        lines.add(status + (title.isEmpty() ? "" : " " + title) + (detail.isEmpty() ? "" : ": " + detail));
        for (JsonNode error : problem.path("errors")) {
            lines.add("  " + error.path("field").asString("?") + ": " + error.path("message").asString(""));
        }
        return lines;
    }
}
