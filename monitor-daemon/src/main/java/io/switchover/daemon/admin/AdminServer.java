package io.switchover.daemon.admin;

import static io.switchover.daemon.admin.Exchanges.error;
import static io.switchover.daemon.admin.Exchanges.json;
import static io.switchover.daemon.admin.Exchanges.param;
import static io.switchover.daemon.admin.Exchanges.requireMethod;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchover.core.registry.RegistryException;
import io.switchover.daemon.admin.Exchanges.BadRequest;
import io.switchover.daemon.admin.Exchanges.WrongMethod;
import io.switchover.daemon.registry.RegistryOperations;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API over the JDK's HTTP server: small, no dependency, enough for a handful of local
 * callers (the CLI, a Prometheus scraper, the console, applications reading the registry).
 *
 * <pre>
 *   GET    /health                  no token; 200 {"status":"ok","state":...}
 *   GET    /status                  node, peer, connections, pings, network, module, replication
 *   GET    /events?limit=N          the last N (1..10000, default 100) recorded decisions with
 *                                   their reasons, oldest first
 *   POST   /switch[?force=true]     controlled switchover; 200 accepted / 409 refused, with the
 *                                   reason
 *   POST   /rejoin                  a FAILED node rejoins as backup
 *   GET    /metrics                 Prometheus text format
 *   GET    /registry?key=K          the key's values and children; 404 when absent
 *   PUT    /registry?key=K          body {"values":{...}}: sets values (creates the key); the change
 *   DELETE /registry?key=K[&amp;value=V] deletes one value, or the key with its subtree; the change
 *   GET    /registry/children?key=K the key's child names
 *   GET    /registry/export[?key=K] JSON Lines, streamed: a header, one line per key, an end line
 *   POST   /registry/import         the same JSON Lines, streamed; the number of keys written
 *   GET    /registry/watch?key=K    JSON Lines, streamed while open: changes, heartbeats, the end
 *   GET    /console/...             the web console: its page, login, live feed and buttons
 * </pre>
 *
 * Every call but /health and the console's needs {@code Authorization: Bearer <token>}: 401 without
 * one, 403 with a wrong one, each with a JSON body that says what to do. The registry endpoints are
 * {@link RegistryEndpoints}; without a registry they answer 503. The console ({@link
 * ConsoleEndpoints}) logs in with the same token and then holds a session cookie.
 *
 * <p>Plain calls run on two threads of the server's own; watches, exports and imports run on
 * threads of their own with a bounded capacity each, so that long streams never hold up {@code
 * /status}.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /** The most events one call returns: the whole history is a few thousand lines at most. */
    public static final int MAX_EVENTS = 10_000;

    static {
        // The JDK's server sends a response's head and body in two writes; with Nagle's algorithm
        // the body then waits for the client's delayed ACK, 40 ms on every call of a kept-alive
        // connection. Read once, when the JDK's server is first used; an explicit -D wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final AdminOperations ops;
    private final Optional<RegistryEndpoints> registry;
    private final Predicate<String> tokenCheck;
    private final String tokenHint;
    private final ConsoleEndpoints console;

    /** An admin API without the registry. */
    public AdminServer(
            InetSocketAddress listen,
            AdminOperations ops,
            Predicate<String> tokenCheck,
            String tokenHint)
            throws IOException {
        this(listen, ops, Optional.empty(), RegistrySettings.DEFAULT, tokenCheck, tokenHint);
    }

    /**
     * @param registry the registry the {@code /registry} endpoints serve, if this daemon has one
     * @param tokenCheck constant-time check of a presented token
     * @param tokenHint where an operator finds the token, for the 401 message
     */
    public AdminServer(
            InetSocketAddress listen,
            AdminOperations ops,
            Optional<RegistryOperations> registry,
            RegistrySettings registrySettings,
            Predicate<String> tokenCheck,
            String tokenHint)
            throws IOException {
        this.ops = ops;
        this.registry = registry.map(r -> new RegistryEndpoints(r, registrySettings));
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
        this.console =
                new ConsoleEndpoints(
                        ops,
                        tokenCheck,
                        tokenHint,
                        server.getAddress().getPort(),
                        ConsoleSessions.Settings.DEFAULT,
                        ConsoleFeed.Settings.DEFAULT);
        server.createContext("/", this::handle);
    }

    /**
     * Limits of the registry endpoints.
     *
     * @param maxWatches watches open at once; one more is answered 503
     * @param heartbeat how often an idle watch writes a heartbeat line: a client that is gone is
     *     noticed by that write failing, and the watch closed
     * @param watchBacklog changes a watch may have waiting to be written before it is closed as too
     *     slow
     * @param maxTransfers exports and imports running at once; one more is answered 503
     * @param maxDocumentBytes the largest PUT body, and the longest line of an import
     */
    public record RegistrySettings(
            int maxWatches,
            Duration heartbeat,
            int watchBacklog,
            int maxTransfers,
            int maxDocumentBytes) {

        public static final RegistrySettings DEFAULT =
                new RegistrySettings(32, Duration.ofSeconds(15), 10_000, 4, 16 * 1024 * 1024);

        public RegistrySettings {
            if (maxWatches < 1 || watchBacklog < 1 || maxTransfers < 1 || maxDocumentBytes < 1) {
                throw new IllegalArgumentException("registry settings must be positive");
            }
            if (heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException("heartbeat must be positive: " + heartbeat);
            }
        }
    }

    public void start() {
        server.start();
        log.info("admin API listening on {}", address());
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Ends open watches (each is told why), then stops the server and its threads. */
    @Override
    public void close() {
        registry.ifPresent(RegistryEndpoints::close);
        console.close();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        // The exchange is closed after the error answers, not before: a try-with-resources closes
        // its resource before its own catch clauses run, which would leave a bad request (400)
        // or a failure (500) without any answer. A stream handed to a thread of its own is closed
        // by that thread.
        boolean handedOff = false;
        try {
            handedOff = answerOrExplain(ex);
        } finally {
            if (!handedOff) {
                ex.close();
            }
        }
    }

    /** Answers the request; true when a stream thread took the exchange over. */
    private boolean answerOrExplain(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/health")) {
                requireMethod(ex, "GET");
                json(ex, 200, Map.of("status", "ok", "state", ops.state()));
                return false;
            }
            if (ConsoleEndpoints.handles(path)) {
                // The web console logs in with the token once and then uses a session cookie.
                return console.handle(ex);
            }
            if (!authorized(ex)) {
                return false;
            }
            if (path.equals("/registry") || path.startsWith("/registry/")) {
                if (registry.isEmpty()) {
                    error(
                            ex,
                            503,
                            "this daemon does not serve the registry",
                            RegistryException.Kind.UNAVAILABLE.name());
                    return false;
                }
                return registry.get().handle(ex);
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
            error(ex, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("admin API {} failed", ex.getRequestURI(), e);
            error(ex, 500, "internal error: " + e.getMessage());
        }
        return false;
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

    static void answer(HttpExchange ex, AdminOperations.CommandAnswer a) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", a.accepted());
        body.put("detail", a.detail());
        json(ex, a.accepted() ? 200 : 409, body);
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
