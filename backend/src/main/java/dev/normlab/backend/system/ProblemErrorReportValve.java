package dev.normlab.backend.system;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Errors Tomcat answers itself, before any servlet runs (a request URI with {@code %00} or bytes that are not UTF-8,
 * a malformed request line), as problem+json like every other error, instead of Tomcat's HTML page. A 400 names
 * {@code request} as its field. Errors of the application never reach this: they have a body already.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String message = response.getMessage() == null || response.getMessage().isBlank() ? title : response.getMessage();
        StringBuilder json = new StringBuilder("{\"title\":").append(quote(title)).append(",\"status\":").append(status)
                .append(",\"detail\":").append(quote(status == 400 ? "request: " + message : message));
        if (status == 400) {
            json.append(",\"errors\":[{\"field\":\"request\",\"message\":").append(quote(message)).append("}]");
        }
        json.append('}');
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            OutputStream out = response.getOutputStream();
            out.write(json.toString().getBytes(StandardCharsets.UTF_8));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is unusable: nothing more to say
        }
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Makes the host use this valve (Spring Boot's own {@code ErrorReportValve} then finds the error reported). */
    @Component
    static class Installer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                }
            });
        }
    }
}
