package io.switchover.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of the admin API that turns every failure into a {@link CliException}. */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    URI base() {
        return base;
    }

    /** The response's status and JSON body (or text for /metrics). */
    record Response(int status, JsonNode json, String text) {}

    Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Response post(String path) {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private Response send(HttpRequest.Builder request) {
        request.timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException(
                    ExitCode.DAEMON_NOT_RUNNING,
                    "cannot reach the daemon's admin API at " + base + ": is switchoverd running?");
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.DAEMON_NOT_RUNNING,
                    "admin API at " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.ERROR, "interrupted");
        }
        JsonNode json = null;
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json")) {
            try {
                json = JSON.readTree(r.body());
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.ERROR, "unreadable answer from " + base + ": " + e.getMessage());
            }
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new CliException(
                    ExitCode.AUTHENTICATION,
                    "the daemon refused the token: "
                            + (json != null && json.has("error")
                                    ? json.get("error").asText()
                                    : r.statusCode()));
        }
        if (r.statusCode() >= 400 && r.statusCode() != 409) {
            throw new CliException(
                    ExitCode.ERROR,
                    "admin API answered "
                            + r.statusCode()
                            + ": "
                            + (json != null && json.has("error")
                                    ? json.get("error").asText()
                                    : r.body()));
        }
        return new Response(r.statusCode(), json, r.body());
    }
}
