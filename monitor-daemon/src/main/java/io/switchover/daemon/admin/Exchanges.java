package io.switchover.daemon.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin API's one way of answering: JSON bodies, error bodies that say what to do, query
 * parameters and method checks. Shared by {@link AdminServer} and {@link RegistryEndpoints}.
 */
final class Exchanges {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Exchanges() {}

    /** A request the API cannot serve as sent; answered with its status and message. */
    static final class BadRequest extends RuntimeException {
        private final int status;

        BadRequest(String message) {
            this(400, message);
        }

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** The method was wrong; the 405 has been answered already. */
    static final class WrongMethod extends RuntimeException {
        WrongMethod() {
            super(null, null, false, false);
        }
    }

    static void requireMethod(HttpExchange ex, String method) throws IOException {
        if (!ex.getRequestMethod().equals(method)) {
            wrongMethod(ex, method);
        }
    }

    /** Answers 405 naming the methods {@code allowed}, and throws {@link WrongMethod}. */
    static void wrongMethod(HttpExchange ex, String allowed) throws IOException {
        ex.getResponseHeaders().set("Allow", allowed.replace(" or ", ", "));
        error(ex, 405, ex.getRequestURI().getPath() + " takes " + allowed);
        throw new WrongMethod();
    }

    static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, Map.of("error", message));
    }

    /** An error with the registry's kind of failure, which clients map without reading prose. */
    static void error(HttpExchange ex, int status, String message, String kind) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("kind", kind);
        json(ex, status, body);
    }

    static void json(HttpExchange ex, int status, Object body) throws IOException {
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

    /** The decoded query parameter, {@code ""} when present without a value, or null. */
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
                        : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
