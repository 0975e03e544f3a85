package io.switchover.daemon.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API over the JDK's HTTP server: small, no dependency, enough for a handful of local
 * callers (the CLI, a Prometheus scraper, the console).
 *
 * <pre>
 *   GET  /health            no token; 200 {"status":"ok","state":...}
 *   GET  /status            node, peer, connections, pings, network, module, replication
 *   GET  /events?limit=N    the last N (1..10000, default 100) recorded decisions with their
 *                           reasons, oldest first
 *   POST /switch[?force=true] controlled switchover; 200 accepted / 409 refused, with the reason
 *   POST /rejoin            a FAILED node rejoins as backup
 *   GET  /metrics           Prometheus text format
 * </pre>
 *
 * Every call but /health needs {@code Authorization: Bearer <token>}: 401 without one, 403 with a
 * wrong one, each with a JSON body that says what to do.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The most events one call returns: the whole history is a few thousand lines at most. */
    public static final int MAX_EVENTS = 10_000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final AdminOperations ops;
    private final Predicate<String> tokenCheck;
    private final String tokenHint;

    /**
     * @param tokenCheck constant-time check of a presented token
     * @param tokenHint where an operator finds the token, for the 401 message
     */
    public AdminServer(
            InetSocketAddress listen,
            AdminOperations ops,
            Predicate<String> tokenCheck,
            String tokenHint)
            throws IOException {
        this.ops = ops;
        this.tokenCheck = tokenCheck;
        this.tokenHint = tokenHint;
        this.server = HttpServer.create(listen, 16);
        this.executor =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "switchover-admin");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
        log.info("admin API listening on {}", address());
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        // The exchange is closed after the error answers, not before: a try-with-resources closes
        // its resource before its own catch clauses run, which would leave a bad request (400)
        // or a failure (500) without any answer.
        try (ex) {
            answerOrExplain(ex);
        }
    }

    private void answerOrExplain(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/health")) {
                requireMethod(ex, "GET");
                json(ex, 200, Map.of("status", "ok", "state", ops.state()));
                return;
            }
            if (!authorized(ex)) {
                return;
            }
            switch (path) {
                case "/status" -> {
                    requireMethod(ex, "GET");
                    json(ex, 200, ops.status());
                }
                case "/events" -> {
                    requireMethod(ex, "GET");
                    int limit = intParam(ex.getRequestURI(), "limit", 100);
                    if (limit < 1 || limit > MAX_EVENTS) {
                        throw new BadRequest(
                                "limit must be between 1 and " + MAX_EVENTS + ", got " + limit);
                    }
                    json(ex, 200, Map.of("events", ops.events(limit)));
                }
                case "/switch" -> {
                    requireMethod(ex, "POST");
                    String f = param(ex.getRequestURI(), "force");
                    if (f != null && !f.equals("true") && !f.equals("false")) {
                        throw new BadRequest("force must be true or false, got '" + f + "'");
                    }
                    boolean force = "true".equals(f);
                    answer(ex, ops.switchover(force));
                }
                case "/rejoin" -> {
                    requireMethod(ex, "POST");
                    answer(ex, ops.rejoin());
                }
                case "/metrics" -> {
                    requireMethod(ex, "GET");
                    byte[] body = ops.metrics().getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders()
                            .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(body);
                    }
                }
                default -> error(ex, 404, "no such endpoint: " + method + " " + path);
            }
        } catch (WrongMethod e) {
            // answered already
        } catch (BadRequest e) {
            error(ex, 400, e.getMessage());
        } catch (RuntimeException e) {
            log.error("admin API {} failed", ex.getRequestURI(), e);
            error(ex, 500, "internal error: " + e.getMessage());
        }
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            error(
                    ex,
                    401,
                    "missing token: send 'Authorization: Bearer <token>'; the token is in "
                            + tokenHint);
            return false;
        }
        if (!tokenCheck.test(header.substring("Bearer ".length()).trim())) {
            error(ex, 403, "wrong token; the token is in " + tokenHint);
            return false;
        }
        return true;
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private static final class WrongMethod extends RuntimeException {
        WrongMethod() {
            super(null, null, false, false);
        }
    }

    private void requireMethod(HttpExchange ex, String method) throws IOException {
        if (!ex.getRequestMethod().equals(method)) {
            error(ex, 405, ex.getRequestURI().getPath() + " takes " + method);
            throw new WrongMethod();
        }
    }

    private void answer(HttpExchange ex, AdminOperations.CommandAnswer a) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", a.accepted());
        body.put("detail", a.detail());
        json(ex, a.accepted() ? 200 : 409, body);
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, Map.of("error", message));
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        drain(ex.getRequestBody());
    }

    private static void drain(InputStream in) throws IOException {
        in.readNBytes(64 * 1024);
    }

    static String param(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0
                        ? ""
                        : java.net.URLDecoder.decode(
                                pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static int intParam(URI uri, String name, int dflt) {
        String v = param(uri, name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a whole number, got '" + v + "'");
        }
    }

    /** Constant-time string comparison for tokens. */
    public static boolean sameToken(String expected, String presented) {
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
