package io.switchover.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test's browser without a browser, for the web console: sends exactly the headers the test
 * chooses (Origin, session cookie, CSRF token), keeps every answer with its headers, and reads the
 * console's server-sent events frame by frame.
 */
public final class ConsoleHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final URI base;

    public ConsoleHttp(URI base) {
        this.base = base;
    }

    /** {@code http://127.0.0.1:port}: the Origin a page of this console sends. */
    public String origin() {
        return "http://" + base.getHost() + ":" + base.getPort();
    }

    /** An answer with its headers. */
    public record Reply(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** {@code name=value} of the Set-Cookie header, without its attributes; null if none. */
        public String cookie() {
            String c = header("Set-Cookie");
            return c == null ? null : c.split(";", 2)[0];
        }
    }

    /** A logged-in page: its cookie ({@code name=value}) and CSRF token. */
    public record Session(String cookie, String csrf) {}

    /** POST /console/login with {@code {"token":token}} from this console's origin. */
    public Reply login(String token) {
        return send(
                "POST",
                "console/login",
                "{\"token\":" + quote(token) + "}",
                Map.of("Origin", origin(), "Content-Type", "application/json"));
    }

    /** Logs in with the right token; fails the test if that does not give a session. */
    public Session session(String token) {
        Reply r = login(token);
        if (r.status() != 200 || r.cookie() == null) {
            throw new AssertionError("login failed: " + r);
        }
        return new Session(r.cookie(), r.json().path("csrf").asText());
    }

    /** {@code method path} with exactly {@code headers} (and a body when not null). */
    public Reply send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(15))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("console at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A POST as the page makes it: its origin, its cookie and its CSRF token. */
    public Reply post(String path, Session s) {
        return send(
                "POST",
                path,
                null,
                Map.of("Origin", origin(), "Cookie", s.cookie(), "X-CSRF-Token", s.csrf()));
    }

    public Reply get(String path, Map<String, String> headers) {
        return send("GET", path, null, headers);
    }

    /** One server-sent event. */
    public record Frame(String event, String data) {
        public JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + data, e);
            }
        }
    }

    /**
     * GET /console/events with {@code headers}: the status, and while it is 200 the frames as they
     * arrive, read by a thread of the stream's own.
     */
    public Events events(Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("console/events")).GET();
        headers.forEach(b::header);
        try {
            HttpResponse<InputStream> r =
                    HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new Events(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** An open event stream. */
    public static final class Events implements AutoCloseable {
        private static final Frame END = new Frame("", "");

        private final int status;
        private final HttpHeaders headers;
        private final InputStream body;
        private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

        Events(int status, HttpHeaders headers, InputStream body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            Thread reader = new Thread(this::read, "console-events-reader");
            reader.setDaemon(true);
            reader.start();
        }

        public int status() {
            return status;
        }

        public HttpHeaders headers() {
            return headers;
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String event = "message";
                StringBuilder data = new StringBuilder();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                            frames.add(new Frame(event, data.toString()));
                        }
                        event = "message";
                        data.setLength(0);
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                    }
                }
            } catch (IOException e) {
                // closed by the test or the server
            } finally {
                frames.add(END);
            }
        }

        /**
         * The next frame named {@code event}, skipping others, within {@code timeout}; fails the
         * test when the stream ends or the time runs out first.
         */
        public Frame next(String event, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    Frame f = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                    if (f == null) {
                        throw new AssertionError("no '" + event + "' event within " + timeout);
                    }
                    if (f == END) {
                        frames.add(END);
                        throw new AssertionError("the stream ended before a '" + event + "' event");
                    }
                    if (f.event().equals(event)) {
                        return f;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        /** The frames received so far, without waiting. */
        public List<Frame> drained() {
            List<Frame> out = new java.util.ArrayList<>();
            frames.drainTo(out);
            return out;
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
