package io.switchover.daemon.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchover.core.registry.KeyPath;
import io.switchover.core.registry.KeyValues;
import io.switchover.core.registry.RegistryChange;
import io.switchover.core.registry.RegistryException;
import io.switchover.core.registry.RegistryLimits;
import io.switchover.daemon.registry.RegistryExportFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The registry's JSON on the admin API, in one place: the documents of the plain endpoints and the
 * lines of the streams (docs/registry.md shows them all).
 *
 * <pre>
 *   change      {"seq":7,"kind":"PUT","key":"/a/b","values":{"x":"1"}}
 *               {"seq":8,"kind":"DELETE_VALUE","key":"/a/b","name":"x"}
 *               {"seq":9,"kind":"DELETE_KEY","key":"/a/b"}
 *   export      {"format":"switchover-registry","version":1,"key":"/","exported":"2025-..."}
 *               {"key":"/a","values":{}}                  one line per key, in path order
 *               {"end":true,"keys":1}                     only after the last key: complete
 *   watch       {"watching":"/a","heartbeatMillis":15000}
 *               change lines, {"heartbeat":"2025-..."} when idle, {"closed":"why"} last
 * </pre>
 */
final class RegistryJson {
    /** Lines are compact: one JSON document per line. */
    static final ObjectMapper LINES = new ObjectMapper();

    static final String FORMAT = RegistryExportFormat.FORMAT;
    static final int VERSION = RegistryExportFormat.VERSION;

    /**
     * Paths arriving over the API are checked for syntax only: the registry behind the API checks
     * its own limits on every write, and only it knows them.
     */
    static final RegistryLimits SYNTAX_ONLY =
            new RegistryLimits(
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE);

    private RegistryJson() {}

    static ObjectNode change(RegistryChange c) {
        ObjectNode n = LINES.createObjectNode();
        n.put("seq", c.seq());
        n.put("kind", c.kind().name());
        n.put("key", c.key().toString());
        switch (c.kind()) {
            case PUT -> n.set("values", values(c.values()));
            case DELETE_VALUE -> n.put("name", c.name());
            case DELETE_KEY -> {}
        }
        return n;
    }

    static ObjectNode exportHeader(String key, Instant at) {
        ObjectNode n = LINES.createObjectNode();
        n.put("format", FORMAT);
        n.put("version", VERSION);
        n.put("key", key);
        n.put("exported", at.toString());
        return n;
    }

    static ObjectNode keyLine(KeyValues kv) {
        ObjectNode n = LINES.createObjectNode();
        n.put("key", kv.key().toString());
        n.set("values", values(kv.values()));
        return n;
    }

    static ObjectNode exportEnd(long keys) {
        ObjectNode n = LINES.createObjectNode();
        n.put("end", true);
        n.put("keys", keys);
        return n;
    }

    static ObjectNode watching(String key, long heartbeatMillis) {
        ObjectNode n = LINES.createObjectNode();
        n.put("watching", key);
        n.put("heartbeatMillis", heartbeatMillis);
        return n;
    }

    static ObjectNode heartbeat(Instant at) {
        return LINES.createObjectNode().put("heartbeat", at.toString());
    }

    static ObjectNode closed(String reason) {
        return LINES.createObjectNode().put("closed", reason);
    }

    static ObjectNode error(RegistryException e) {
        return LINES.createObjectNode().put("error", e.getMessage()).put("kind", e.kind().name());
    }

    static ObjectNode values(Map<String, String> values) {
        ObjectNode n = LINES.createObjectNode();
        values.forEach(n::put);
        return n;
    }

    /** Writes {@code node} as one line. */
    static void writeLine(OutputStream out, JsonNode node) throws IOException {
        out.write(LINES.writeValueAsBytes(node));
        out.write('\n');
    }

    // ---------------------------------------------------------------- reading

    /** A JSON document that is not what the API expects; the message names what is wrong. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** A PUT body: {@code {"values":{"name":"value",...}}}. */
    static SortedMap<String, String> putBody(JsonNode body) throws Malformed {
        if (!body.isObject()) {
            throw new Malformed("the body must be a JSON object {\"values\":{\"name\":\"value\"}}");
        }
        onlyFields(body, "values");
        JsonNode values = body.get("values");
        if (values == null) {
            throw new Malformed(
                    "the body has no \"values\"; send {\"values\":{\"name\":\"value\"}} ({} for"
                            + " none)");
        }
        return values(values);
    }

    /** One key line of an import: {@code {"key":"/a","values":{...}}}. */
    static KeyValues keyLine(JsonNode line) throws Malformed {
        onlyFields(line, "key", "values");
        JsonNode key = line.get("key");
        if (key == null || !key.isTextual()) {
            throw new Malformed("\"key\" must be a key path string, like \"/Site/Lines\"");
        }
        JsonNode values = line.get("values");
        KeyPath path;
        try {
            path = KeyPath.parse(key.asText(), SYNTAX_ONLY);
        } catch (RegistryException e) {
            throw new Malformed(e.getMessage());
        }
        return new KeyValues(path, values == null ? new TreeMap<>() : values(values));
    }

    private static SortedMap<String, String> values(JsonNode values) throws Malformed {
        if (!values.isObject()) {
            throw new Malformed("\"values\" must be an object of names to string values");
        }
        SortedMap<String, String> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                throw new Malformed(
                        "value '"
                                + e.getKey()
                                + "' is null; to remove a value, DELETE it (?key=...&value="
                                + e.getKey()
                                + ")");
            }
            if (!e.getValue().isTextual()) {
                throw new Malformed(
                        "value '"
                                + e.getKey()
                                + "' must be a string, got "
                                + e.getValue().getNodeType().name().toLowerCase()
                                + " "
                                + e.getValue()
                                + "; quote it");
            }
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    private static void onlyFields(JsonNode node, String... allowed) throws Malformed {
        List<String> fields = List.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!fields.contains(name)) {
                throw new Malformed(
                        "unknown field \""
                                + name
                                + "\"; expected only "
                                + String.join(", ", fields));
            }
        }
    }
}
