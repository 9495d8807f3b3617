package dev.normlab.client;

/** The CLI's exit codes; {@code runs wait} (and {@code submit --wait}) also report the run's final status. */
final class ExitCodes {

    /** success; a waited-for run SUCCEEDED */
    static final int OK = 0;
    /** a waited-for run FAILED */
    static final int RUN_FAILED = 1;
    /** bad command line (picocli's usage error) */
    static final int USAGE = 2;
    /** a waited-for run was CANCELLED */
    static final int RUN_CANCELLED = 3;
    /** the backend refused the request (400 invalid, 404 not found, 409 conflict, …): its problem detail is printed */
    static final int REFUSED = 4;
    /** no or a wrong token (401), or not allowed (403) */
    static final int DENIED = 5;
    /** the backend could not be reached, or failed (5xx) */
    static final int UNREACHABLE = 6;
    /** {@code runs wait --timeout} passed before the run ended */
    static final int TIMEOUT = 7;

    static final String FOOTER = """

            Exit codes: 0 ok (a waited-for run SUCCEEDED), 1 the run FAILED,
              2 usage error, 3 the run was CANCELLED, 4 refused by the backend
              (invalid, not found, conflict), 5 authentication or permission,
              6 backend unreachable or failing, 7 wait timed out.
            Connection: --url, else $NORMLAB_URL, else http://localhost:8080;
              --token, else $NORMLAB_TOKEN, else the file --token-file, else
              $NORMLAB_HOME/admin-token (NORMLAB_HOME defaults to ~/.normlab).
            """;

    private ExitCodes() {
    }
}
