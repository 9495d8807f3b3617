package dev.normlab.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the backend is and which token to send: flags, then the environment, then files under NORMLAB_HOME. */
final class Connection {

    static final String DEFAULT_URL = "http://localhost:8080";

    @Option(names = "--url", paramLabel = "URL", description = "backend base URL (default: $NORMLAB_URL, else " + DEFAULT_URL + ")")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (default: $NORMLAB_TOKEN, else --token-file)")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "file holding the token (default: $NORMLAB_HOME/admin-token, NORMLAB_HOME defaulting to ~/.normlab)")
    Path tokenFile;

    Api open(Map<String, String> env, Path userHome) {
        String base = firstNonBlank(url, env.get("NORMLAB_URL"), DEFAULT_URL);
        String secret = firstNonBlank(token, env.get("NORMLAB_TOKEN"), null);
        if (secret == null) {
            Path file = tokenFile;
            if (file == null) {
                String home = env.get("NORMLAB_HOME");
                file = (home == null || home.isBlank() ? userHome.resolve(".normlab") : Path.of(home)).resolve("admin-token");
            }
            try {
                secret = Files.readString(file).trim();
            } catch (IOException e) {
                throw new ApiError(401, "no token: pass --token, set NORMLAB_TOKEN, or put one in " + file
                        + " (create one with 'tokens create' or POST /api/v1/tokens)", null);
            }
        }
        return new Api(base.endsWith("/") ? base.substring(0, base.length() - 1) : base, secret);
    }

    private static String firstNonBlank(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        if (b != null && !b.isBlank()) {
            return b.trim();
        }
        return fallback;
    }
}
