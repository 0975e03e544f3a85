package io.switchover.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A test's client of one daemon's admin API: plain HTTP, the token of the test's choosing (the
 * daemon's, a wrong one or none), every answer returned as it came, whatever its status.
 */
public final class AdminHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final URI base;
    private final Optional<String> token;

    public AdminHttp(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
    }

    /** The same daemon, presenting {@code other} as the token. */
    public AdminHttp withToken(String other) {
        return new AdminHttp(base, Optional.of(other));
    }

    /** The same daemon, presenting no token. */
    public AdminHttp withoutToken() {
        return new AdminHttp(base, Optional.empty());
    }

    /** {@code http://127.0.0.1:port/}. */
    public URI base() {
        return base;
    }

    /** An answer of the admin API. */
    public record Reply(int status, String contentType, String body) {
        /** The body as JSON; fails the test when it is not. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Reply post(String path) {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code method path} with {@code body} (none when null) as JSON. */
    public Reply send(String method, String path, String body) {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** {@code GET path}, which must answer 200 with JSON. */
    public JsonNode getJson(String path) {
        Reply r = get(path);
        if (r.status() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    private Reply send(HttpRequest.Builder request) {
        request.timeout(Duration.ofSeconds(15));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<String> r =
                    HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("admin API at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
