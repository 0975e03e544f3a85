package io.switchover.daemon.runtime;

import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread the core runs on. The core's threading contract is that every call into it, every
 * port callback and every timer runs here, one at a time; this class is that thread, the {@link
 * Scheduler} and {@link Clock} the core is given, and the {@link Executor} adapters post port
 * results to.
 *
 * <p>A task that throws is logged and does not kill the thread: a bug in one decision must not
 * silence the monitor.
 */
public final class CoreExecutor implements Scheduler, Clock, Executor, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoreExecutor.class);

    private final ScheduledThreadPoolExecutor executor;

    public CoreExecutor() {
        executor =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, "switchover-core");
                            t.setDaemon(true);
                            return t;
                        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        try {
            ScheduledFuture<?> f =
                    executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return Cancellable.DONE; // shutting down: nothing more will run
        }
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            log.debug("core executor stopped; dropping a task");
        }
    }

    /** Runs {@code task} on the core thread and waits for its result (for the admin API). */
    public <T> T call(Callable<T> task, Duration timeout) {
        if (Thread.currentThread().getName().equals("switchover-core")) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return executor.submit(task).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the core", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "the core did not answer within " + timeout.toMillis() + " ms", e);
        }
    }

    /** Stops accepting work and waits for the running task. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("core task failed", e);
            }
        };
    }
}
