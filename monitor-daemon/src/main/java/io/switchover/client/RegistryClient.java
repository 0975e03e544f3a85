package io.switchover.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An application's client of the registry on its daemon's admin API: read keys, write them (on the
 * primary), watch a subtree for changes, export and import. Thread-safe; one client serves a whole
 * application. Needs only the JDK and Jackson.
 *
 * <pre>{@code
 * RegistryClient registry = RegistryClient.builder(URI.create("http://127.0.0.1:7480/"))
 *         .tokenFile(Path.of("/var/lib/switchover/admin.token"))
 *         .build();
 * Optional<Map<String, String>> line1 = registry.get("/Site/Lines/Line1");
 * registry.put("/Site/Lines/Line1", Map.of("speed", "9600"));
 * }</pre>
 *
 * Every failure is a {@link RegistryClientException} whose {@link RegistryClientException#kind()}
 * says what to do: {@code NOT_PRIMARY} (write to the primary, which the message names), {@code
 * UNAVAILABLE} (retry), {@code UNREACHABLE} (the daemon is down or elsewhere), and so on.
 *
 * <p>Watches ({@link #watch}) never reconnect by themselves: a watch that ends, for whatever
 * reason, tells its listener once, and the application re-reads what it needs and watches again.
 * Changes made while no watch was open are not replayed; re-reading is what catches up.
 */
public final class RegistryClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The export format this client reads and writes. */
    public static final String FORMAT = "switchover-registry";

    private final URI base;
    private final String token;
    private final Duration requestTimeout;
    private final HttpClient http;

    /** Reads the streams and calls the listeners; daemon threads, so nothing needs shutting. */
    private final ExecutorService threads;

    private volatile ScheduledExecutorService watchdog;

    private RegistryClient(Builder b) {
        URI url = b.baseUrl;
        this.base = url.getPath().endsWith("/") ? url : URI.create(url + "/");
        this.token = b.token;
        this.requestTimeout = b.requestTimeout;
        this.threads =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "registry-client");
                            t.setDaemon(true);
                            return t;
                        });
        this.http =
                HttpClient.newBuilder().connectTimeout(b.connectTimeout).executor(threads).build();
    }

    /** A client of the admin API at {@code baseUrl} (e.g. {@code http://127.0.0.1:7480/}). */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** The admin API this client talks to. */
    public URI baseUrl() {
        return base;
    }

    // ---------------------------------------------------------------- reading

    /** The key's values (unmodifiable, by name), or empty when the key does not exist. */
    public Optional<Map<String, String>> get(String key) throws RegistryClientException {
        try {
            JsonNode doc = call(request("registry?key=" + encode(key)).GET());
            return Optional.of(values(doc.path("values")));
        } catch (RegistryClientException e) {
            if (e.kind() == RegistryClientException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The names of the key's children, in order; NOT_FOUND when the key does not exist. */
    public List<String> children(String key) throws RegistryClientException {
        JsonNode doc = call(request("registry/children?key=" + encode(key)).GET());
        List<String> names = new ArrayList<>();
        doc.path("children").forEach(n -> names.add(n.asText()));
        return Collections.unmodifiableList(names);
    }

    // ---------------------------------------------------------------- writing (on the primary)

    /**
     * Creates the key (and missing ancestors) and sets {@code values}; the key's other values are
     * kept. Returns once the daemon has made the write durable.
     */
    public Change put(String key, Map<String, String> values) throws RegistryClientException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("values", values));
        } catch (IOException e) {
            throw new IllegalArgumentException("values cannot be written as JSON", e);
        }
        return Change.of(
                call(
                        request("registry?key=" + encode(key))
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))));
    }

    /** Removes one value of the key; NOT_FOUND when the key or the value does not exist. */
    public Change deleteValue(String key, String name) throws RegistryClientException {
        return Change.of(
                call(request("registry?key=" + encode(key) + "&value=" + encode(name)).DELETE()));
    }

    /** Removes the key with its values and its whole subtree; NOT_FOUND when absent. */
    public Change deleteKey(String key) throws RegistryClientException {
        return Change.of(call(request("registry?key=" + encode(key)).DELETE()));
    }

    // ---------------------------------------------------------------- watching

    /**
     * Watches every change at or under {@code key}, from the moment this method returns: the daemon
     * has registered the watch by then, so a change made afterwards is delivered. To start from a
     * known state, watch first, then read.
     *
     * <p>The listener is called on a thread of this client's (never the caller's), one call at a
     * time, in the order the primary made the changes; {@link WatchListener#ended} is called
     * exactly once, last. A listener that is slow holds up reading, and a watch that falls far
     * behind is ended by the daemon. A silent connection is noticed after three heartbeat intervals
     * without a line and ends the watch as {@link WatchEnd.Reason#CONNECTION_LOST}.
     *
     * @return the open watch; {@link Watch#close()} ends it ({@link WatchEnd.Reason#CLOSED})
     */
    public Watch watch(String key, WatchListener listener) throws RegistryClientException {
        Objects.requireNonNull(listener, "listener");
        return RegistryWatch.open(
                http,
                request("registry/watch?key=" + encode(key)).GET().build(),
                requestTimeout,
                base,
                key,
                listener,
                threads,
                watchdog());
    }

    /** Receives a watch's changes, then its end. */
    public interface WatchListener {
        /** A change at or under the watched key. */
        void changed(Change change);

        /** The watch has ended; nothing follows. Re-read, then watch again if still needed. */
        void ended(WatchEnd end);
    }

    /** A watch that is open until closed or ended. */
    public interface Watch extends AutoCloseable {
        /** Whether the watch still delivers changes. */
        boolean isOpen();

        /**
         * Ends the watch; the listener's {@code ended} follows (after a {@code changed} call in
         * progress returns). Does nothing when the watch has ended already.
         */
        @Override
        void close();
    }

    /**
     * Why a watch ended.
     *
     * @param detail in words: the daemon's reason, or what broke
     */
    public record WatchEnd(Reason reason, String detail) {
        public enum Reason {
            /** The application closed it. */
            CLOSED,
            /**
             * The daemon ended it, and said why: it is shutting down, the registry closed the
             * watch, or the listener fell too far behind.
             */
            ENDED_BY_DAEMON,
            /** The connection broke, or stayed silent for three heartbeat intervals. */
            CONNECTION_LOST,
            /** The listener's {@code changed} threw; the detail names the exception. */
            LISTENER_FAILED
        }
    }

    /**
     * One change as the primary sequenced it.
     *
     * @param seq the primary's sequence number ({@code 0} for a change a backup's catch-up made)
     * @param values PUT: the values set (others of the key are kept); empty otherwise
     * @param name DELETE_VALUE: the value's name; empty otherwise
     */
    public record Change(long seq, Kind kind, String key, Map<String, String> values, String name) {
        public enum Kind {
            PUT,
            DELETE_VALUE,
            DELETE_KEY
        }

        public Change {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(key, "key");
            values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
            Objects.requireNonNull(name, "name");
        }

        /** A change as the admin API writes it. */
        static Change of(JsonNode doc) throws RegistryClientException {
            Kind kind;
            try {
                kind = Kind.valueOf(doc.path("kind").asText());
            } catch (IllegalArgumentException e) {
                throw new RegistryClientException(
                        RegistryClientException.Kind.PROTOCOL, 200, "not a change: " + doc);
            }
            return new Change(
                    doc.path("seq").asLong(),
                    kind,
                    doc.path("key").asText(),
                    RegistryClient.values(doc.path("values")),
                    doc.path("name").asText(""));
        }
    }

    // ---------------------------------------------------------------- export and import

    /**
     * Writes the export of {@code key}'s subtree (JSON Lines: a header, one line per key, an end
     * line) to {@code out} as the daemon streams it, and returns the number of keys. Fails with
     * PROTOCOL when the stream ends without its end line, and UNREACHABLE when the daemon sends
     * nothing for the request timeout: what was written is then incomplete.
     */
    public long export(String key, Writer out) throws RegistryClientException, IOException {
        HttpResponse<InputStream> r =
                send(
                        request("registry/export?key=" + encode(key)).GET(),
                        HttpResponse.BodyHandlers.ofInputStream());
        StallGuard guard = new StallGuard(r.body(), requestTimeout, watchdog());
        try (guard;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(guard, StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                throw failure(r.statusCode(), readLine(in));
            }
            return copyExport(in, out);
        } catch (RegistryClientException e) {
            if (guard.stalled()) {
                throw new RegistryClientException(
                        RegistryClientException.Kind.UNREACHABLE,
                        "the daemon at "
                                + base
                                + " sent nothing for "
                                + requestTimeout
                                + "; the export is incomplete",
                        e);
            }
            throw e;
        }
    }

    /**
     * A stream from the daemon that is closed when nothing arrives for {@code timeout}, so that a
     * blocked read fails instead of waiting for ever: the JDK's client has no read timeout.
     */
    private static final class StallGuard extends FilterInputStream {
        private final long timeoutNanos;
        private final ScheduledFuture<?> check;
        private volatile long lastRead = System.nanoTime();
        private volatile boolean stalled;

        StallGuard(InputStream in, Duration timeout, ScheduledExecutorService watchdog) {
            super(in);
            this.timeoutNanos = timeout.toNanos();
            long period = Math.max(timeout.toMillis() / 4, 10);
            this.check =
                    watchdog.scheduleWithFixedDelay(
                            this::closeIfStalled, period, period, TimeUnit.MILLISECONDS);
        }

        boolean stalled() {
            return stalled;
        }

        private void closeIfStalled() {
            if (System.nanoTime() - lastRead > timeoutNanos) {
                stalled = true;
                check.cancel(false);
                try {
                    in.close();
                } catch (IOException e) {
                    // closing is all that was wanted
                }
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            lastRead = System.nanoTime();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            lastRead = System.nanoTime();
            return n;
        }

        @Override
        public void close() throws IOException {
            check.cancel(false);
            in.close();
        }
    }

    /** Copies the export's lines to {@code out}, checking its header, error and end lines. */
    private long copyExport(BufferedReader in, Writer out)
            throws RegistryClientException, IOException {
        String header = readLine(in);
        if (header == null || !FORMAT.equals(tree(header).path("format").asText())) {
            throw new RegistryClientException(
                    RegistryClientException.Kind.PROTOCOL,
                    200,
                    "the daemon at " + base + " did not send a registry export: " + header);
        }
        write(out, header);
        long keys = 0;
        for (String line = readLine(in); line != null; line = readLine(in)) {
            if (line.startsWith("{\"key\"")) {
                write(out, line);
                keys++;
            } else if (line.startsWith("{\"end\"")) {
                long declared = tree(line).path("keys").asLong(-1);
                if (declared != keys || readLine(in) != null) {
                    throw new RegistryClientException(
                            RegistryClientException.Kind.PROTOCOL,
                            200,
                            "the export's end line says " + declared + " keys, " + keys + " came");
                }
                write(out, line);
                return keys;
            } else if (line.startsWith("{\"error\"")) {
                RegistryClientException e = failure(200, line);
                throw new RegistryClientException(
                        e.kind(),
                        200,
                        "the export failed after " + keys + " keys: " + e.getMessage());
            } else {
                throw new RegistryClientException(
                        RegistryClientException.Kind.PROTOCOL,
                        200,
                        "unexpected line in the export after " + keys + " keys: " + line);
            }
        }
        throw new RegistryClientException(
                RegistryClientException.Kind.PROTOCOL,
                200,
                "the export broke off after "
                        + keys
                        + " keys, without its end line: what was written is incomplete");
    }

    /** A line of a stream from the daemon; a broken connection is UNREACHABLE. */
    private String readLine(BufferedReader in) throws RegistryClientException {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw unreachable(base, e);
        }
    }

    private static void write(Writer out, String line) throws IOException {
        out.write(line);
        out.write('\n');
    }

    private JsonNode tree(String line) throws RegistryClientException {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new RegistryClientException(
                    RegistryClientException.Kind.PROTOCOL,
                    200,
                    "unreadable line from " + base + ": " + e.getMessage());
        }
    }

    /**
     * Imports an export's lines read from {@code lines} (streamed, never held whole) and returns
     * the number of keys written. INVALID names the line that could not be imported; the keys
     * before it stay written. No timeout applies: a large import takes as long as it takes.
     */
    public long importFrom(InputStream lines) throws RegistryClientException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve("registry/import"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> lines));
        authorize(request);
        HttpResponse<String> r = send(request, HttpResponse.BodyHandlers.ofString());
        return parse(r).path("imported").asLong();
    }

    // ---------------------------------------------------------------- HTTP

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout);
        authorize(b);
        return b;
    }

    private void authorize(HttpRequest.Builder b) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
    }

    private JsonNode call(HttpRequest.Builder request) throws RegistryClientException {
        return parse(send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private <T> HttpResponse<T> send(
            HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler)
            throws RegistryClientException {
        try {
            return http.send(request.build(), handler);
        } catch (IOException e) {
            throw unreachable(base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryClientException(
                    RegistryClientException.Kind.UNREACHABLE, "interrupted", e);
        }
    }

    /** What an I/O failure talking to the daemon at {@code base} means to the application. */
    static RegistryClientException unreachable(URI base, Throwable failure) {
        Throwable e = failure;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ConnectException) {
            return new RegistryClientException(
                    RegistryClientException.Kind.UNREACHABLE,
                    "cannot reach the daemon's admin API at " + base + ": is switchoverd running?",
                    e);
        }
        if (e instanceof HttpTimeoutException) {
            return new RegistryClientException(
                    RegistryClientException.Kind.UNREACHABLE,
                    "no answer from the daemon's admin API at " + base + " in time",
                    e);
        }
        return new RegistryClientException(
                RegistryClientException.Kind.UNREACHABLE,
                "admin API at " + base + " failed: " + e,
                e);
    }

    private JsonNode parse(HttpResponse<String> r) throws RegistryClientException {
        if (r.statusCode() != 200) {
            throw failure(r.statusCode(), r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new RegistryClientException(
                    RegistryClientException.Kind.PROTOCOL,
                    r.statusCode(),
                    "unreadable answer from " + base + ": " + e.getMessage());
        }
    }

    /** The failure an error answer describes: its kind, else one by the status. */
    static RegistryClientException failure(int status, String body) {
        String message = body == null || body.isBlank() ? "HTTP status " + status : body;
        RegistryClientException.Kind kind = null;
        try {
            JsonNode doc = body == null ? null : JSON.readTree(body);
            if (doc != null && doc.has("error")) {
                message = doc.get("error").asText();
                kind = kind(doc.path("kind").asText());
            }
        } catch (IOException e) {
            // not JSON: the body is the message
        }
        if (kind == null) {
            kind =
                    switch (status) {
                        case 400 -> RegistryClientException.Kind.INVALID;
                        case 401, 403 -> RegistryClientException.Kind.UNAUTHORIZED;
                        case 404 -> RegistryClientException.Kind.NOT_FOUND;
                        case 409 -> RegistryClientException.Kind.NOT_PRIMARY;
                        case 413 -> RegistryClientException.Kind.LIMIT;
                        case 503 -> RegistryClientException.Kind.UNAVAILABLE;
                        default -> RegistryClientException.Kind.PROTOCOL;
                    };
        }
        return new RegistryClientException(kind, status, message);
    }

    /** The client's kind for the registry's kind {@code name}; null for any other word. */
    private static RegistryClientException.Kind kind(String name) {
        return switch (name) {
            case "INVALID", "LIMIT", "NOT_FOUND", "NOT_PRIMARY", "UNAVAILABLE" ->
                    RegistryClientException.Kind.valueOf(name);
            default -> null;
        };
    }

    static Map<String, String> values(JsonNode values) {
        SortedMap<String, String> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableSortedMap(map);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** One thread per client checks its watches' heartbeats; started with the first watch. */
    private ScheduledExecutorService watchdog() {
        ScheduledExecutorService w = watchdog;
        if (w == null) {
            synchronized (this) {
                w = watchdog;
                if (w == null) {
                    ScheduledThreadPoolExecutor e =
                            new ScheduledThreadPoolExecutor(
                                    1,
                                    r -> {
                                        Thread t = new Thread(r, "registry-watchdog");
                                        t.setDaemon(true);
                                        return t;
                                    });
                    e.setRemoveOnCancelPolicy(true);
                    watchdog = w = e;
                }
            }
        }
        return w;
    }

    /** Settings of a {@link RegistryClient}. */
    public static final class Builder {
        private final URI baseUrl;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        /** The admin token, sent as a bearer token. */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token").strip();
            return this;
        }

        /** Reads the admin token from the daemon's token file (surrounding whitespace ignored). */
        public Builder tokenFile(Path file) throws IOException {
            return token(Files.readString(file, StandardCharsets.UTF_8));
        }

        /** How long connecting may take (default 3 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long the daemon may take to answer a call, or to start a watch or an export (default
         * 30 s). Streams then run for as long as they last; an import has no timeout.
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public RegistryClient build() {
            return new RegistryClient(this);
        }
    }
}
