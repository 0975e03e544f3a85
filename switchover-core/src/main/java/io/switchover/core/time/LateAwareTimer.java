package io.switchover.core.time;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Schedules a one-shot task that learns how late it runs. The core uses lateness to notice its own
 * stalls (a JVM pause, a frozen VM): a timer that expired during a stall says nothing about the
 * peer, so what it would conclude is re-checked first.
 */
public final class LateAwareTimer {

    private LateAwareTimer() {}

    /** Runs {@code task} after {@code delay}, passing how much later than due it runs. */
    public static Cancellable schedule(
            Clock clock, Scheduler scheduler, Duration delay, Consumer<Duration> task) {
        long due = clock.nanos() + delay.toNanos();
        return scheduler.schedule(
                delay,
                () -> {
                    long late = clock.nanos() - due;
                    task.accept(Duration.ofNanos(Math.max(0, late)));
                });
    }
}
