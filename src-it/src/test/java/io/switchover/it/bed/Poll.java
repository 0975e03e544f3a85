package io.switchover.it.bed;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for a condition with an explicit deadline, polling every 50 ms: the suite never sleeps and
 * hopes. Reading the event history is a file read, so polling costs the daemons nothing.
 */
public final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {}

    /** The first present value of {@code probe} within {@code deadline}, or empty. */
    public static <T> Optional<T> until(Duration deadline, Supplier<Optional<T>> probe) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent() || System.nanoTime() - end >= 0) {
                return value;
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
