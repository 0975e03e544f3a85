package io.switchover.notifier.frame;

/**
 * A peer broke the protocol. Carries the {@link CloseReason} the connection is closed with and a
 * detail that names what was wrong, for the log line on this side and the goodbye sent to the peer.
 */
public final class ProtocolException extends RuntimeException {
    private final CloseReason reason;

    public ProtocolException(CloseReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public CloseReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }

    @Override
    public String toString() {
        return reason.code() + ": " + getMessage();
    }
}
