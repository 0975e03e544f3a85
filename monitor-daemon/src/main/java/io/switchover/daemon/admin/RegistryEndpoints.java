package io.switchover.daemon.admin;

import static io.switchover.daemon.admin.Exchanges.error;
import static io.switchover.daemon.admin.Exchanges.json;
import static io.switchover.daemon.admin.Exchanges.param;
import static io.switchover.daemon.admin.Exchanges.requireMethod;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.switchover.core.registry.KeyValues;
import io.switchover.core.registry.RegistryChange;
import io.switchover.core.registry.RegistryException;
import io.switchover.daemon.admin.AdminServer.RegistrySettings;
import io.switchover.daemon.admin.Exchanges.BadRequest;
import io.switchover.daemon.admin.Exchanges.WrongMethod;
import io.switchover.daemon.registry.RegistryOperations;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's endpoints of the admin API (listed in {@link AdminServer}; the JSON is {@link
 * RegistryJson}). It translates HTTP to {@link RegistryOperations} and back and decides nothing
 * about the registry.
 *
 * <p>A {@link RegistryException} becomes a status by its kind ({@link #status}) and a body {@code
 * {"error":"...","kind":"..."}}; a request the API cannot read (no key, bad JSON, a body too large)
 * is INVALID or LIMIT the same way. Exports, imports and watches run on {@link StreamThreads} of
 * their own, each kind with a bounded number of places.
 */
final class RegistryEndpoints {
    private static final Logger log = LoggerFactory.getLogger(RegistryEndpoints.class);

    private static final String NDJSON = "application/x-ndjson";

    /** How long closing the admin API waits for open watches to write their last line. */
    private static final long CLOSE_GRACE_MILLIS = 2_000;

    private final RegistryOperations registry;
    private final RegistrySettings settings;
    private final Clock clock = Clock.systemUTC();
    private final StreamThreads watchThreads;
    private final StreamThreads transferThreads;
    private final Set<WatchStream> watches = ConcurrentHashMap.newKeySet();

    /** Checks, every heartbeat interval, that no watch's client has stopped reading. */
    private final ScheduledExecutorService stallCheck =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "switchover-admin-watch-check");
                        t.setDaemon(true);
                        return t;
                    });

    RegistryEndpoints(RegistryOperations registry, RegistrySettings settings) {
        this.registry = registry;
        this.settings = settings;
        this.watchThreads = new StreamThreads("switchover-admin-watch", settings.maxWatches());
        this.transferThreads =
                new StreamThreads("switchover-admin-transfer", settings.maxTransfers());
        long interval = settings.heartbeat().toNanos();
        // A write blocked for two heartbeat intervals: the client has read nothing for that long.
        stallCheck.scheduleWithFixedDelay(
                () -> watches.forEach(w -> w.checkStalled(System.nanoTime(), 2 * interval)),
                interval,
                interval,
                TimeUnit.NANOSECONDS);
    }

    /** The HTTP status of a registry failure. */
    static int status(RegistryException.Kind kind) {
        return switch (kind) {
            case INVALID, LIMIT -> 400;
            case NOT_FOUND -> 404;
            case NOT_PRIMARY -> 409;
            case UNAVAILABLE -> 503;
        };
    }

    /**
     * Answers a {@code /registry} request; returns true when a stream thread took the exchange over
     * (and will close it).
     */
    boolean handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        try {
            switch (path) {
                case "/registry" -> {
                    switch (ex.getRequestMethod()) {
                        case "GET" -> read(ex);
                        case "PUT" -> put(ex);
                        case "DELETE" -> delete(ex);
                        default -> Exchanges.wrongMethod(ex, "GET, PUT or DELETE");
                    }
                }
                case "/registry/children" -> {
                    requireMethod(ex, "GET");
                    String key = key(ex);
                    json(ex, 200, Map.of("key", key, "children", registry.list(key)));
                }
                case "/registry/export" -> {
                    requireMethod(ex, "GET");
                    return export(ex);
                }
                case "/registry/import" -> {
                    requireMethod(ex, "POST");
                    return importKeys(ex);
                }
                case "/registry/watch" -> {
                    requireMethod(ex, "GET");
                    return watch(ex);
                }
                default ->
                        error(ex, 404, "no such endpoint: " + ex.getRequestMethod() + " " + path);
            }
        } catch (WrongMethod e) {
            // answered already
        } catch (BadRequest e) {
            error(ex, e.status(), e.getMessage(), kindOf(e).name());
        } catch (RegistryException e) {
            refuse(ex, e);
        }
        return false;
    }

    /** Ends every open watch, telling its client, then stops the stream threads. */
    void close() {
        stallCheck.shutdownNow();
        for (WatchStream w : watches) {
            w.end("the admin API is shutting down");
        }
        watchThreads.close(CLOSE_GRACE_MILLIS);
        transferThreads.close(0);
    }

    // ---------------------------------------------------------------- plain calls

    private void read(HttpExchange ex) throws IOException, RegistryException {
        String key = key(ex);
        Optional<SortedMap<String, String>> values = registry.get(key);
        if (values.isEmpty()) {
            throw notFound(key);
        }
        List<String> children = registry.list(key);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", key);
        body.put("values", values.get());
        body.put("children", children);
        json(ex, 200, body);
    }

    private void put(HttpExchange ex) throws IOException, RegistryException {
        String key = key(ex);
        JsonNode body = jsonBody(ex);
        SortedMap<String, String> values;
        try {
            values = RegistryJson.putBody(body);
        } catch (RegistryJson.Malformed e) {
            throw new BadRequest(e.getMessage());
        }
        changed(ex, registry.put(key, values));
    }

    private void delete(HttpExchange ex) throws IOException, RegistryException {
        String key = key(ex);
        String value = param(ex.getRequestURI(), "value");
        changed(ex, value == null ? registry.deleteKey(key) : registry.deleteValue(key, value));
    }

    private static void changed(HttpExchange ex, RegistryChange change) throws IOException {
        json(ex, 200, RegistryJson.change(change));
    }

    // ---------------------------------------------------------------- streams

    private boolean export(HttpExchange ex) throws IOException {
        String key = Optional.ofNullable(param(ex.getRequestURI(), "key")).orElse("/");
        if (!transferThreads.reserve()) {
            throw busy(settings.maxTransfers() + " exports and imports are running");
        }
        transferThreads.start(() -> exportStream(ex, key));
        return true;
    }

    private void exportStream(HttpExchange ex, String key) {
        ExportLines lines = new ExportLines(ex, key);
        try {
            registry.export(key, lines::key);
            lines.end();
        } catch (RegistryException e) {
            lines.fail(e);
        } catch (UncheckedIOException | IOException e) {
            // the client went away
            log.debug("export of {} to {} broke off: {}", key, ex.getRemoteAddress(), e.toString());
        } catch (RuntimeException e) {
            log.error("export of {} failed", key, e);
            lines.fail(
                    new RegistryException(
                            RegistryException.Kind.UNAVAILABLE, "internal error: " + e));
        } finally {
            ex.close();
        }
    }

    /**
     * The export's lines, written as the registry hands over its keys. The status is sent with the
     * first key (or at the end when there is none), so that a failure before it is still an
     * ordinary error answer; a failure after it can only be an error line, and the missing end line
     * tells the reader that the export is not complete.
     */
    private final class ExportLines {
        private final HttpExchange ex;
        private final String key;
        private OutputStream out;
        private long keys;

        ExportLines(HttpExchange ex, String key) {
            this.ex = ex;
            this.key = key;
        }

        /** On the caller's thread of export(): an I/O failure aborts the export. */
        void key(KeyValues kv) {
            try {
                start();
                RegistryJson.writeLine(out, RegistryJson.keyLine(kv));
                keys++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void end() throws IOException {
            start();
            RegistryJson.writeLine(out, RegistryJson.exportEnd(keys));
            out.close();
        }

        void fail(RegistryException e) {
            try {
                if (out == null) {
                    refuse(ex, e);
                } else {
                    RegistryJson.writeLine(out, RegistryJson.error(e));
                    out.close();
                }
            } catch (IOException io) {
                log.debug("export of {}: could not report {}: {}", key, e.getMessage(), io);
            }
        }

        private void start() throws IOException {
            if (out == null) {
                ex.getResponseHeaders().set("Content-Type", NDJSON);
                ex.sendResponseHeaders(200, 0);
                out = new BufferedOutputStream(ex.getResponseBody(), 64 * 1024);
                RegistryJson.writeLine(out, RegistryJson.exportHeader(key, clock.instant()));
            }
        }
    }

    private boolean importKeys(HttpExchange ex) throws IOException {
        if (!transferThreads.reserve()) {
            throw busy(settings.maxTransfers() + " exports and imports are running");
        }
        transferThreads.start(() -> importStream(ex));
        return true;
    }

    private void importStream(HttpExchange ex) {
        ImportLines lines = new ImportLines(ex.getRequestBody(), settings.maxDocumentBytes());
        try {
            lines.readHeader();
            long imported = registry.importKeys(lines);
            json(ex, 200, Map.of("imported", imported));
        } catch (ImportLines.BadLine e) {
            lineError(ex, e.line(), e.getMessage(), RegistryException.Kind.INVALID);
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.INVALID
                    || e.kind() == RegistryException.Kind.LIMIT) {
                // The registry takes each key before it takes the next: the bad one is the last
                // line read.
                lineError(
                        ex, lines.line(), "line " + lines.line() + ": " + e.getMessage(), e.kind());
            } else {
                quietly(ex, () -> refuse(ex, e));
            }
        } catch (UncheckedIOException e) {
            log.debug("import from {} broke off: {}", ex.getRemoteAddress(), e.toString());
            quietly(
                    ex,
                    () -> error(ex, 400, e.getMessage(), RegistryException.Kind.INVALID.name()));
        } catch (IOException e) {
            log.debug("import from {}: could not answer: {}", ex.getRemoteAddress(), e.toString());
        } catch (RuntimeException e) {
            log.error("import failed at line {}", lines.line(), e);
            quietly(ex, () -> error(ex, 500, "internal error at line " + lines.line() + ": " + e));
        } finally {
            ex.close();
        }
    }

    private static void lineError(
            HttpExchange ex, long line, String message, RegistryException.Kind kind) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("kind", kind.name());
        body.put("line", line);
        quietly(ex, () -> json(ex, status(kind), body));
    }

    private boolean watch(HttpExchange ex) throws IOException, RegistryException {
        String key = key(ex);
        if (!watchThreads.reserve()) {
            throw busy(
                    settings.maxWatches()
                            + " watches are open, the most this daemon serves; close one, or"
                            + " watch a common ancestor key once instead of many keys");
        }
        WatchStream stream =
                new WatchStream(ex, key, settings.heartbeat(), settings.watchBacklog(), clock);
        try {
            stream.attach(registry.watch(key, stream::changed, stream::end));
        } catch (RegistryException | RuntimeException e) {
            watchThreads.cancel();
            throw e;
        }
        watches.add(stream);
        watchThreads.start(
                () -> {
                    try {
                        stream.run();
                    } finally {
                        watches.remove(stream);
                    }
                });
        return true;
    }

    // ---------------------------------------------------------------- helpers

    private static String key(HttpExchange ex) {
        String key = param(ex.getRequestURI(), "key");
        if (key == null) {
            throw new BadRequest(
                    "missing parameter key: add ?key=/path (e.g. ?key=/Site/Lines), URL-encoded");
        }
        return key;
    }

    private JsonNode jsonBody(HttpExchange ex) throws IOException {
        int max = settings.maxDocumentBytes();
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > max) {
            throw tooLarge(max);
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(max + 1);
        }
        if (body.length > max) {
            throw tooLarge(max);
        }
        if (body.length == 0) {
            throw new BadRequest("the body is empty; send {\"values\":{\"name\":\"value\"}}");
        }
        try {
            return RegistryJson.LINES.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequest(
                    "the body is not JSON ("
                            + e.getOriginalMessage()
                            + "); send {\"values\":{\"name\":\"value\"}}");
        }
    }

    private static BadRequest tooLarge(int max) {
        return new BadRequest(
                413,
                "the body is larger than "
                        + max
                        + " bytes, the most one PUT takes; split the values over several PUTs or"
                        + " use /registry/import");
    }

    private static BadRequest busy(String why) {
        return new BadRequest(503, why + "; retry later");
    }

    private static RegistryException notFound(String key) {
        return new RegistryException(
                RegistryException.Kind.NOT_FOUND, "key '" + key + "' does not exist");
    }

    /** The registry kind a request problem is reported as, by its status. */
    private static RegistryException.Kind kindOf(BadRequest e) {
        return switch (e.status()) {
            case 413 -> RegistryException.Kind.LIMIT;
            case 503 -> RegistryException.Kind.UNAVAILABLE;
            default -> RegistryException.Kind.INVALID;
        };
    }

    private static void refuse(HttpExchange ex, RegistryException e) throws IOException {
        error(ex, status(e.kind()), e.getMessage(), e.kind().name());
    }

    /** An answer on a stream thread, where a client that is gone is nothing to report. */
    private interface Answer {
        void send() throws IOException;
    }

    private static void quietly(HttpExchange ex, Answer answer) {
        try {
            answer.send();
        } catch (IOException e) {
            log.debug("could not answer {}: {}", ex.getRemoteAddress(), e.toString());
        }
    }
}
