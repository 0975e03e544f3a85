package io.switchover.core.port;

import io.switchover.core.time.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * How one ping ended: exactly one of five outcomes, for notifier pings and module pings alike.
 *
 * <p>{@link #kind()} exists because Java 17 has no pattern matching for {@code switch}; a switch
 * expression over it is checked for exhaustiveness by the compiler, which is the point.
 */
public sealed interface PingOutcome {

    /** The five outcomes of the spec's ping table. */
    enum Kind {
        SUCCESS,
        TIMEOUT,
        REJECTED,
        CONNECTION_LOSS,
        CANCELLED
    }

    Kind kind();

    /** One line for a transition reason or a log, e.g. {@code timed out after 5s}. */
    String describe();

    /** True only for {@link Success}. */
    default boolean succeeded() {
        return kind() == Kind.SUCCESS;
    }

    static PingOutcome success() {
        return new Success();
    }

    static PingOutcome timeout(Duration after) {
        return new Timeout(after);
    }

    static PingOutcome rejected(String why) {
        return new Rejected(why);
    }

    static PingOutcome connectionLoss(Connection connection) {
        return new ConnectionLoss(connection);
    }

    static PingOutcome cancelled() {
        return new Cancelled();
    }

    /** The peer answered within the timeout. */
    record Success() implements PingOutcome {
        @Override
        public Kind kind() {
            return Kind.SUCCESS;
        }

        @Override
        public String describe() {
            return "answered";
        }
    }

    /** No answer within {@code after}: a lost connection or a sick notifier. */
    record Timeout(Duration after) implements PingOutcome {
        public Timeout {
            Objects.requireNonNull(after, "after");
        }

        @Override
        public Kind kind() {
            return Kind.TIMEOUT;
        }

        @Override
        public String describe() {
            return "timed out after " + Durations.format(after);
        }
    }

    /** The peer answered but refused, saying {@code why}. */
    record Rejected(String why) implements PingOutcome {
        public Rejected {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public Kind kind() {
            return Kind.REJECTED;
        }

        @Override
        public String describe() {
            return "rejected (" + why + ")";
        }
    }

    /** The connection the ping used was lost (or was not up when it was sent). */
    record ConnectionLoss(Connection connection) implements PingOutcome {
        public ConnectionLoss {
            Objects.requireNonNull(connection, "connection");
        }

        @Override
        public Kind kind() {
            return Kind.CONNECTION_LOSS;
        }

        @Override
        public String describe() {
            return "lost the " + connection + " connection";
        }
    }

    /** The core cancelled the ping because it is stopping the monitor that sent it. */
    record Cancelled() implements PingOutcome {
        @Override
        public Kind kind() {
            return Kind.CANCELLED;
        }

        @Override
        public String describe() {
            return "cancelled";
        }
    }
}
