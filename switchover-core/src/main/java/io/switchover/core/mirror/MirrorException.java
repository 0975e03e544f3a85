package io.switchover.core.mirror;

/** A mirroring operation that could not be done, with a reason an operator can act on. */
public final class MirrorException extends Exception {

    /** What went wrong, which decides what happens next. */
    public enum Kind {
        /**
         * The path or operation would reach outside a mirrored directory (absolute path, a {@code
         * ..} segment, a symbolic link that leads out): refused and logged as a security event.
         */
        UNSAFE,
        /** Malformed input: a name the mirror cannot carry, a message that does not decode. */
        INVALID,
        /** The directory is not configured for mirroring on this node. */
        NOT_CONFIGURED,
        /** The disk is full or over quota; retried later, nothing good is replaced. */
        NO_SPACE,
        /** Another I/O failure; retried later. */
        IO
    }

    private final Kind kind;

    public MirrorException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public MirrorException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
