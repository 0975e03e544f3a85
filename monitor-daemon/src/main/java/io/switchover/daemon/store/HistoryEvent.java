package io.switchover.daemon.store;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of the {@link EventHistory}: a decision or incident with its explanation. Stored as one
 * JSON object per line, {@code time}, {@code sequence} and {@code type} first, then the fields at
 * the top level so that {@code grep '"cause":"MODULE_DOWN"'} finds them:
 *
 * <pre>
 * {"time":"2025-01-31T10:15:30.123Z","sequence":12,"type":"transition","from":"RECONNECTING",
 *  "to":"PRIMARY","cause":"MODULE_DOWN","detail":"...","generation":4}
 * </pre>
 *
 * @param time wall-clock time of the append, UTC
 * @param sequence 1 for the first event ever recorded in this data directory, then consecutive
 *     (survives restarts and rotation)
 * @param type what kind of event: {@link #TRANSITION}, {@link #NOTICE}, {@link #HOOK_FAILED},
 *     {@link #SPLIT_BRAIN} or any other lowercase name
 * @param fields the event's own fields, in order; values are {@code String}, {@code Long}, {@code
 *     Double} or {@code Boolean}
 */
public record HistoryEvent(Instant time, long sequence, String type, Map<String, Object> fields) {

    /** A change of role; fields from, to, cause, detail, generation. */
    public static final String TRANSITION = "transition";

    /** A decision not to change role, or an incident the core reported; fields kind, detail. */
    public static final String NOTICE = "notice";

    /** A takeover hook failed or timed out. */
    public static final String HOOK_FAILED = "hook-failed";

    /** Two primaries met. */
    public static final String SPLIT_BRAIN = "split-brain";

    /** Registry replication: sessions, comparisons, trees kept aside ({@code what} says which). */
    public static final String REGISTRY = "registry";

    /**
     * Directory mirroring: sessions, comparisons, failed steps, files kept aside, security events
     * ({@code what} says which).
     */
    public static final String MIRROR = "mirror";

    /** Names a field may not take: they are the line's own keys. */
    static final Set<String> RESERVED = Set.of("time", "sequence", "type");

    public HistoryEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("an event has a type");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        fields.forEach((name, value) -> copy.put(checkedName(name), normalised(name, value)));
        fields = Collections.unmodifiableMap(copy);
    }

    /** The value of field {@code name}, or null. */
    public Object field(String name) {
        return fields.get(name);
    }

    private static String checkedName(String name) {
        if (name == null || name.isBlank() || RESERVED.contains(name)) {
            throw new IllegalArgumentException(
                    "event field name '" + name + "' is empty or reserved " + RESERVED);
        }
        return name;
    }

    /**
     * Keeps lines flat and greppable, and makes an appended event equal to the same event read
     * back: integers become {@code Long}, fractions {@code Double}, enums their name.
     */
    private static Object normalised(String name, Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        throw new IllegalArgumentException(
                "event field '"
                        + name
                        + "' must be a string, number, boolean or enum, not "
                        + (value == null ? "null" : value.getClass().getName()));
    }
}
