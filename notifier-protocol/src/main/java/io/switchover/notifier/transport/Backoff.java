package io.switchover.notifier.transport;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential from {@code initial}, capped at {@code max}, with "equal jitter"
 * (half the delay fixed, half random) so two nodes that lost each other at the same moment do not
 * retry in lockstep, while no retry comes sooner than half the nominal delay.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException(
                    "initial reconnect delay must be > 0, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "maximum reconnect delay " + max + " is below the initial delay " + initial);
        }
    }

    /** The nominal delay before retry number {@code attempt} (0 = first retry), without jitter. */
    public long nominalNanos(int attempt) {
        long d = initial.toNanos();
        long cap = max.toNanos();
        for (int i = 0; i < attempt && d < cap; i++) {
            d = d > cap / 2 ? cap : d * 2;
        }
        return Math.min(d, cap);
    }

    /** The jittered delay: in [nominal/2, nominal]. {@code random} yields values in [0, 1). */
    public long delayNanos(int attempt, DoubleSupplier random) {
        long nominal = nominalNanos(attempt);
        long half = nominal / 2;
        return half + (long) (random.getAsDouble() * (nominal - half));
    }
}
