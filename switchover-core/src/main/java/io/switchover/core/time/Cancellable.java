package io.switchover.core.time;

/** A handle on something that may still happen: a scheduled task or an outstanding request. */
@FunctionalInterface
public interface Cancellable {

    /** A handle for something that is already over; cancelling it does nothing. */
    Cancellable DONE = () -> {};

    /**
     * Asks that the thing not happen. Idempotent. Cancelling something that already happened does
     * nothing. For a request sent through a port, the port completes it as cancelled.
     */
    void cancel();
}
