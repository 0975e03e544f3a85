package io.switchover.client;

/**
 * A registry call that did not succeed, with the daemon's message (or the client's, when the daemon
 * could not be asked) and what kind of failure it is, for the application to decide on.
 */
public final class RegistryClientException extends Exception {

    /** What went wrong. The first five are the registry's own answers. */
    public enum Kind {
        /** A malformed key path, value name or value; or a request the daemon could not read. */
        INVALID,
        /** A size or depth limit of the registry. */
        LIMIT,
        /** The key or value does not exist. */
        NOT_FOUND,
        /** This daemon is not the primary: writes go to the primary, which the message names. */
        NOT_PRIMARY,
        /** The registry cannot answer now (switchover in progress, too many watches...): retry. */
        UNAVAILABLE,
        /** No token, or the daemon refused it. */
        UNAUTHORIZED,
        /** The daemon could not be reached, or the connection broke. */
        UNREACHABLE,
        /** The daemon answered something this client does not understand, or failed inside. */
        PROTOCOL
    }

    private final Kind kind;
    private final int status;

    public RegistryClientException(Kind kind, int status, String message) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    public RegistryClientException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = 0;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status the daemon answered; 0 when there was no answer. */
    public int status() {
        return status;
    }
}
