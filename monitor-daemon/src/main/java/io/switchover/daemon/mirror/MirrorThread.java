package io.switchover.daemon.mirror;

import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns mirroring state (sessions, queues, the coalescer) on a node. It never
 * does file I/O or waits: reading, writing and hashing run on the I/O pool and report back here.
 * Also the core's {@link Scheduler} for the coalescer's timers, which therefore run here too.
 */
final class MirrorThread implements Executor, Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorThread.class);

    private final ScheduledExecutorService executor;

    MirrorThread(String name) {
        ScheduledThreadPoolExecutor e =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, name);
                            t.setDaemon(true);
                            return t;
                        });
        e.setRemoveOnCancelPolicy(true);
        this.executor = e;
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            log.debug("mirror thread stopped; task dropped");
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        try {
            ScheduledFuture<?> f =
                    executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return Cancellable.DONE;
        }
    }

    /** A task that throws is a bug; it is logged, and the thread goes on with the next one. */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("mirror task failed", e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
