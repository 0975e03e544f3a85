package io.switchover.core.registry;

/**
 * A registry operation that cannot be done, with a message an operator can act on: it names the
 * key, the value, the limit or the node that refused.
 */
public final class RegistryException extends Exception {

    /** What went wrong, so that callers can map it (HTTP status, CLI exit code). */
    public enum Kind {
        /** A malformed key path, value name or value (names the rule broken). */
        INVALID,
        /** A size or depth limit (names the limit and its value). */
        LIMIT,
        /** The key or value does not exist. */
        NOT_FOUND,
        /** This node does not accept writes (names the primary, or says none is known). */
        NOT_PRIMARY,
        /** The registry cannot answer now (closed, draining for a switchover, store failure). */
        UNAVAILABLE
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
