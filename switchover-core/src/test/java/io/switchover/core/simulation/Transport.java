package io.switchover.core.simulation;

import java.time.Duration;

/**
 * How the simulated daemons' notifier connections behave, after {@code docs/protocol.md} section
 * 11: one-way latency, the read-idle timeout that closes a connection whose far side fell silent (a
 * frozen process sends no keepalive, a silently cut link carries none), and the reconnect backoff
 * with equal jitter.
 *
 * @param idleTimeout {@link Duration#ZERO} for a transport without idle detection: a silent
 *     connection then stays "up" until something resets it
 */
record Transport(
        Duration latency, Duration idleTimeout, Duration backoffInitial, Duration backoffMax) {

    boolean detectsIdle() {
        return !idleTimeout.isZero();
    }

    /** The nominal backoff before reconnect attempt {@code attempt} (0, 1, 2...). */
    Duration nominalBackoff(int attempt) {
        Duration nominal = backoffInitial.multipliedBy(1L << Math.min(attempt, 20));
        return nominal.compareTo(backoffMax) > 0 ? backoffMax : nominal;
    }
}
