package io.switchover.core.time;

import java.math.BigDecimal;
import java.time.Duration;

/** Renders durations the way operators write them in configuration and read them in logs. */
public final class Durations {

    private Durations() {}

    /**
     * The largest unit that keeps the value at 1 or more, with decimals only where needed: {@code
     * 10s}, {@code 1.5s}, {@code 250ms}, {@code 60.0005s}, {@code 7ns}. Falls back to ISO-8601 for
     * durations too long to count in nanoseconds.
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.toString();
        }
        long magnitude = Math.abs(nanos);
        if (magnitude >= 1_000_000_000L) {
            return decimal(nanos, 9) + "s";
        }
        if (magnitude >= 1_000_000L) {
            return decimal(nanos, 6) + "ms";
        }
        if (magnitude >= 1_000L) {
            return decimal(nanos, 3) + "us";
        }
        return nanos + "ns";
    }

    private static String decimal(long nanos, int scale) {
        return BigDecimal.valueOf(nanos, scale).stripTrailingZeros().toPlainString();
    }
}
