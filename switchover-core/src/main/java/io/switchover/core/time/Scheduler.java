package io.switchover.core.time;

import java.time.Duration;

/**
 * Runs a task once after a delay, on the core's single executor.
 *
 * <p>Contract for implementations: the task runs on the same executor that delivers every other
 * event to the core, never concurrently with another core call, and never synchronously inside
 * {@link #schedule}. A task whose handle was cancelled before it started does not run. A zero delay
 * means "as soon as the executor is free", after the current call returns.
 */
@FunctionalInterface
public interface Scheduler {

    /** Schedules {@code task} to run once, {@code delay} from now. */
    Cancellable schedule(Duration delay, Runnable task);
}
