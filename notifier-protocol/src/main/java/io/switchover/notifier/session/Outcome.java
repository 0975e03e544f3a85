package io.switchover.notifier.session;

/**
 * How a request ended. Every future returned by a {@link PeerConnection} call completes exactly
 * once, normally (never exceptionally), with one of these five outcomes.
 *
 * @param <T> the answer's type on success
 */
public sealed interface Outcome<T>
        permits Outcome.Success,
                Outcome.Timeout,
                Outcome.Rejected,
                Outcome.ConnectionLoss,
                Outcome.Cancelled {

    /** The five outcomes as a plain enum, for switches, logs and metric tags. */
    enum Kind {
        SUCCESS,
        TIMEOUT,
        REJECTED,
        CONNECTION_LOSS,
        CANCELLED
    }

    Kind kind();

    /** Time from sending to this outcome. */
    long elapsedNanos();

    default boolean isSuccess() {
        return kind() == Kind.SUCCESS;
    }

    /** The peer answered. */
    record Success<T>(T value, long elapsedNanos) implements Outcome<T> {
        @Override
        public Kind kind() {
            return Kind.SUCCESS;
        }
    }

    /** No answer within the request's timeout. */
    record Timeout<T>(long elapsedNanos) implements Outcome<T> {
        @Override
        public Kind kind() {
            return Kind.TIMEOUT;
        }
    }

    /** The peer answered with a refusal, and why. */
    record Rejected<T>(String reason, long elapsedNanos) implements Outcome<T> {
        @Override
        public Kind kind() {
            return Kind.REJECTED;
        }
    }

    /** The connection was not up, or dropped before the answer came. */
    record ConnectionLoss<T>(String detail, long elapsedNanos) implements Outcome<T> {
        @Override
        public Kind kind() {
            return Kind.CONNECTION_LOSS;
        }
    }

    /** This side closed the connection or gave up on the request. */
    record Cancelled<T>(String reason, long elapsedNanos) implements Outcome<T> {
        @Override
        public Kind kind() {
            return Kind.CANCELLED;
        }
    }
}
