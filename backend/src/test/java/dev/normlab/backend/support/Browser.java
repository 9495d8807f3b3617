package dev.normlab.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * A browser-like HTTP client against a running backend: keeps cookies, and echoes the {@code XSRF-TOKEN} cookie
 * in {@code X-XSRF-TOKEN} on state-changing requests the way the dashboard does (unless told not to).
 */
public final class Browser {

    private final URI base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    public Browser(int port) {
        this.base = URI.create("http://localhost:" + port);
        this.http = HttpClient.newBuilder().cookieHandler(cookies).build();
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(withCsrf(json(path, json).POST(HttpRequest.BodyPublishers.ofString(json))));
    }

    /** A state-changing request without the CSRF header, as a forged cross-site form would arrive. */
    public HttpResponse<String> postWithoutCsrf(String path, String json) {
        return send(json(path, json).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> sendJson(String method, String path, String json) {
        return send(withCsrf(json(path, json).method(method, HttpRequest.BodyPublishers.ofString(json))));
    }

    public HttpResponse<String> delete(String path) {
        return send(withCsrf(HttpRequest.newBuilder(base.resolve(path)).DELETE()));
    }

    public HttpResponse<String> signIn(String username, String password) {
        if (cookie("XSRF-TOKEN").isEmpty()) {
            get("/api/v1/me"); // any answer hands out the CSRF cookie
        }
        return post("/api/v1/session", "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}");
    }

    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst();
    }

    public void forget(String cookieName) {
        cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(cookieName)).toList()
                .forEach(c -> cookies.getCookieStore().remove(null, c));
    }

    private HttpRequest.Builder json(String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json");
    }

    private HttpRequest.Builder withCsrf(HttpRequest.Builder request) {
        cookie("XSRF-TOKEN").ifPresent(token -> request.header("X-XSRF-TOKEN", token));
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
