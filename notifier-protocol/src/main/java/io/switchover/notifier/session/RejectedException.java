package io.switchover.notifier.session;

/**
 * Thrown (or used to complete a stage exceptionally) by a handler to refuse a request, module ping
 * or stream; the message is sent to the peer as the rejection reason.
 */
public final class RejectedException extends RuntimeException {
    public RejectedException(String reason) {
        super(reason, null, false, false);
    }
}
