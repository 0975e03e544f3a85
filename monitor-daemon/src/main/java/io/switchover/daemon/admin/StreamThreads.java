package io.switchover.daemon.admin;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Threads for streams that last (watches, exports, imports), at most {@code capacity} at once,
 * apart from the admin server's own two: a stream holds its thread for as long as it runs, and must
 * never hold up a plain call.
 *
 * <p>A caller first {@link #reserve()}s a place (and answers 503 when there is none), prepares the
 * stream, then {@link #start}s it, or {@link #cancel()}s the reservation if preparing failed.
 */
final class StreamThreads {
    private final Semaphore places;
    private final ExecutorService threads;

    StreamThreads(String name, int capacity) {
        this.places = new Semaphore(capacity);
        this.threads =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, name);
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Takes a place if one is free. */
    boolean reserve() {
        return places.tryAcquire();
    }

    /** Gives back a reserved place that will not be used. */
    void cancel() {
        places.release();
    }

    /** Runs {@code stream} in the reserved place, which is freed when it ends. */
    void start(Runnable stream) {
        threads.execute(
                () -> {
                    try {
                        stream.run();
                    } finally {
                        places.release();
                    }
                });
    }

    /** Waits up to {@code graceMillis} for the streams to end, then interrupts those left. */
    void close(long graceMillis) {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
