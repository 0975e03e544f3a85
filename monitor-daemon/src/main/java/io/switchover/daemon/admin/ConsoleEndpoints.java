package io.switchover.daemon.admin;

import static io.switchover.daemon.admin.Exchanges.error;
import static io.switchover.daemon.admin.Exchanges.json;
import static io.switchover.daemon.admin.Exchanges.requireMethod;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.switchover.daemon.admin.Exchanges.BadRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The web console: a static page (HTML, CSS, JS from this jar, nothing from elsewhere) and the few
 * calls it makes, under {@code /console/}. The page logs in with the admin token once; after that a
 * session cookie (HttpOnly, SameSite=Strict) stands for it, so the token is never in a URL, the
 * page source or script-readable storage.
 *
 * <pre>
 *   GET  /console/                       the page (also console.css, console.js); no login
 *   POST /console/login     {"token":T}  200 {"node","csrf"} + session cookie; 401 wrong token;
 *                                        429 after too many failures from one address
 *   GET  /console/session                200 {"node","csrf"} while logged in, else 401
 *   GET  /console/events                 server-sent events: see {@link ConsoleFeed}
 *   POST /console/switch                 controlled switchover: 200 accepted / 409 refused
 *   POST /console/rejoin                 a FAILED node rejoins: 200 / 409
 *   POST /console/logout                 ends the session
 * </pre>
 *
 * Cross-site requests: every POST must come from the page's own origin ({@code Origin} equal to the
 * scheme and {@code Host} the request was sent to), and every POST but the login must carry the
 * session's CSRF token in {@code X-CSRF-Token}; the SameSite=Strict cookie is a third line. Every
 * answer carries a Content-Security-Policy that allows only this origin's files (no inline script
 * or style) and forbids framing. The bearer-token API beside it is unchanged: it takes no cookie.
 */
final class ConsoleEndpoints implements AutoCloseable {
    static final String PREFIX = "/console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CSP =
            "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The largest login body: a token is 43 characters. */
    private static final int MAX_LOGIN_BYTES = 4096;

    /** The page's files: name, content type. */
    private static final Map<String, String> FILES =
            Map.of(
                    "console.html", "text/html; charset=utf-8",
                    "console.css", "text/css; charset=utf-8",
                    "console.js", "text/javascript; charset=utf-8");

    private final AdminOperations ops;
    private final Predicate<String> tokenCheck;
    private final String tokenHint;
    private final String cookieName;
    private final ConsoleSessions sessions;
    private final ConsoleFeed feed;

    /**
     * @param port the admin listener's port: part of the cookie's name, because browsers do not
     *     keep cookies apart by port and two daemons on one host must not log each other out
     */
    ConsoleEndpoints(
            AdminOperations ops,
            Predicate<String> tokenCheck,
            String tokenHint,
            int port,
            ConsoleSessions.Settings sessionSettings,
            ConsoleFeed.Settings feedSettings) {
        this.ops = ops;
        this.tokenCheck = tokenCheck;
        this.tokenHint = tokenHint;
        this.cookieName = "switchover_session_" + port;
        this.sessions = new ConsoleSessions(sessionSettings, System::nanoTime);
        this.feed = new ConsoleFeed(ops, feedSettings, id -> sessions.use(id).isPresent());
    }

    static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    @Override
    public void close() {
        feed.close();
    }

    /** Answers a console request; true when a stream thread took the exchange over. */
    boolean handle(HttpExchange ex) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Cache-Control", "no-store");
        String path = ex.getRequestURI().getPath();
        String rest = path.substring(PREFIX.length());
        switch (rest) {
            case "" -> {
                requireMethod(ex, "GET");
                h.set("Location", PREFIX + "/");
                ex.sendResponseHeaders(302, -1);
            }
            case "/", "/console.html", "/console.css", "/console.js" -> {
                requireMethod(ex, "GET");
                file(ex, rest.equals("/") ? "console.html" : rest.substring(1));
            }
            case "/login" -> login(ex);
            case "/session" -> {
                requireMethod(ex, "GET");
                Optional<ConsoleSessions.Session> s = session(ex);
                if (s.isPresent()) {
                    json(ex, 200, sessionBody(s.get()));
                }
            }
            case "/events" -> {
                requireMethod(ex, "GET");
                Optional<ConsoleSessions.Session> s = session(ex);
                if (s.isEmpty()) {
                    return false;
                }
                if (!feed.open(ex, s.get().id)) {
                    error(
                            ex,
                            503,
                            "too many console pages are open on this daemon; close one and"
                                    + " reload");
                    return false;
                }
                return true;
            }
            case "/switch" -> {
                if (stateChange(ex).isPresent()) {
                    AdminServer.answer(ex, ops.switchover(false));
                }
            }
            case "/rejoin" -> {
                if (stateChange(ex).isPresent()) {
                    AdminServer.answer(ex, ops.rejoin());
                }
            }
            case "/logout" -> {
                Optional<ConsoleSessions.Session> s = stateChange(ex);
                if (s.isPresent()) {
                    sessions.end(s.get().id);
                    h.add(
                            "Set-Cookie",
                            cookieName + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
                    json(ex, 200, Map.of("loggedOut", true));
                }
            }
            default -> error(ex, 404, "no such console page: " + path);
        }
        return false;
    }

    private void login(HttpExchange ex) throws IOException {
        requireMethod(ex, "POST");
        if (!sameOrigin(ex)) {
            return;
        }
        String source = ex.getRemoteAddress().getAddress().getHostAddress();
        Duration wait = sessions.loginBlockedFor(source);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            ex.getResponseHeaders().set("Retry-After", Long.toString(seconds));
            error(
                    ex,
                    429,
                    "too many failed logins from " + source + "; try again in " + seconds + " s");
            return;
        }
        String token = loginToken(ex);
        if (token == null || token.isEmpty()) {
            error(ex, 400, "send the admin token as {\"token\":\"...\"}; it is in " + tokenHint);
            return;
        }
        if (!tokenCheck.test(token)) {
            sessions.loginFailed(source);
            error(ex, 401, "wrong token; the token is in " + tokenHint);
            return;
        }
        sessions.loginSucceeded(source);
        ConsoleSessions.Session s = sessions.create();
        ex.getResponseHeaders()
                .add("Set-Cookie", cookieName + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict");
        json(ex, 200, sessionBody(s));
    }

    /** The token from a JSON or form body; null when the body has none. */
    private static String loginToken(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_LOGIN_BYTES + 1);
        }
        if (body.length > MAX_LOGIN_BYTES) {
            throw new BadRequest(413, "a login body is at most " + MAX_LOGIN_BYTES + " bytes");
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : text.split("&")) {
                if (pair.startsWith("token=")) {
                    return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8).trim();
                }
            }
            return null;
        }
        try {
            JsonNode doc = Exchanges.JSON.readTree(text);
            JsonNode t = doc == null ? null : doc.get("token");
            return t == null || !t.isTextual() ? null : t.asText().trim();
        } catch (IOException e) {
            throw new BadRequest("the login body is not JSON: send {\"token\":\"...\"}");
        }
    }

    private Map<String, Object> sessionBody(ConsoleSessions.Session s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", nodeId());
        body.put("csrf", s.csrf);
        return body;
    }

    private String nodeId() {
        Object node = ops.status().get("node");
        return node instanceof Map<?, ?> m ? String.valueOf(m.get("id")) : "";
    }

    /**
     * The session of a state-changing call, after every check: POST, a live session, the page's own
     * origin, and the session's CSRF token. Empty when a check failed (and was answered).
     */
    private Optional<ConsoleSessions.Session> stateChange(HttpExchange ex) throws IOException {
        requireMethod(ex, "POST");
        if (!sameOrigin(ex)) {
            return Optional.empty();
        }
        Optional<ConsoleSessions.Session> s = session(ex);
        if (s.isEmpty()) {
            return s;
        }
        String presented = ex.getRequestHeaders().getFirst(CSRF_HEADER);
        if (presented == null) {
            error(ex, 403, "missing " + CSRF_HEADER + " header: reload the console page");
            return Optional.empty();
        }
        if (!s.get().csrfMatches(presented)) {
            error(ex, 403, "wrong " + CSRF_HEADER + " for this session: reload the console page");
            return Optional.empty();
        }
        return s;
    }

    /** The live session named by the request's cookie; answers 401 when there is none. */
    private Optional<ConsoleSessions.Session> session(HttpExchange ex) throws IOException {
        Optional<ConsoleSessions.Session> s = sessions.use(cookie(ex));
        if (s.isEmpty()) {
            error(ex, 401, "not logged in (or the session expired): log in with the admin token");
        }
        return s;
    }

    private String cookie(HttpExchange ex) {
        List<String> headers = ex.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(cookieName + "=")) {
                    return p.substring(cookieName.length() + 1);
                }
            }
        }
        return null;
    }

    /**
     * Whether the request comes from a page of this very origin: its {@code Origin} is the scheme
     * and {@code Host} it was sent to. Browsers send Origin with every POST; a request without one
     * is refused, so a state change never rests on the cookie alone.
     */
    private boolean sameOrigin(HttpExchange ex) throws IOException {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (origin == null) {
            error(ex, 403, "missing Origin header: use the console page");
            return false;
        }
        if (host == null
                || !(origin.equals("http://" + host) || origin.equals("https://" + host))) {
            error(
                    ex,
                    403,
                    "cross-site request refused: Origin "
                            + origin
                            + " is not this console ("
                            + host
                            + ")");
            return false;
        }
        return true;
    }

    private void file(HttpExchange ex, String name) throws IOException {
        byte[] body;
        try (InputStream in = ConsoleEndpoints.class.getResourceAsStream("console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console file " + name + " missing from the jar");
            }
            body = in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Type", FILES.get(name));
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
