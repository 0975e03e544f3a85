package io.switchover.core.time;

/**
 * A monotonic source of nanoseconds, injected so that the core never reads real time.
 *
 * <p>Only differences between two readings are meaningful. Values may start anywhere and may wrap
 * past {@link Long#MAX_VALUE}; compare readings with {@code a - b}, never with {@code a < b}.
 */
@FunctionalInterface
public interface Clock {

    /** The current reading, in nanoseconds. */
    long nanos();

    /** Nanoseconds elapsed since {@code earlierNanos}, safe across wrap-around. */
    default long nanosSince(long earlierNanos) {
        return nanos() - earlierNanos;
    }
}
