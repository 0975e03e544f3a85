package io.switchover.daemon.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.switchover.core.registry.RegistryChange;
import io.switchover.daemon.registry.RegistryOperations;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open {@code /registry/watch}: takes changes from the registry's thread into a queue (never
 * blocking it) and writes them, in order, to the client from a stream thread, with a heartbeat line
 * whenever nothing was written for a heartbeat interval.
 *
 * <p>It ends, writing a last line {@code {"closed":"why"}} when it still can, when the registry
 * closes the watch, when the client falls more than {@code backlog} changes behind, or when the
 * admin server shuts down; and without a last line when the client has gone, which the next write
 * (at the latest the next heartbeat) finds out. The registry's watch is closed as soon as the end
 * is decided. A client that stops reading blocks the write; {@link #checkStalled} (called
 * periodically) interrupts such a write, which closes the connection and frees the thread.
 */
final class WatchStream {
    private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

    /** Queued after the last change: the watch ends with {@link #reason}. */
    private static final Object END = new Object();

    private final HttpExchange ex;
    private final String key;
    private final Duration heartbeat;
    private final int backlog;
    private final Clock clock;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicReference<String> reason = new AtomicReference<>();
    private final AtomicReference<RegistryOperations.Watch> watch = new AtomicReference<>();
    private volatile Thread thread;

    /** When the write in progress began ({@link System#nanoTime()}); 0 while not writing. */
    private volatile long writingSince;

    WatchStream(HttpExchange ex, String key, Duration heartbeat, int backlog, Clock clock) {
        this.ex = ex;
        this.key = key;
        this.heartbeat = heartbeat;
        this.backlog = backlog;
        this.clock = clock;
    }

    /** The registry's handle, once the watch is registered. */
    void attach(RegistryOperations.Watch w) {
        watch.set(w);
        if (reason.get() != null) {
            closeWatch();
        }
    }

    /** On the registry's thread: queue the change, or end the watch if the client lags. */
    void changed(RegistryChange change) {
        if (reason.get() != null) {
            return;
        }
        if (waiting.incrementAndGet() > backlog) {
            end(
                    "the client fell more than "
                            + backlog
                            + " changes behind; read faster, then re-read the registry and watch"
                            + " again");
            return;
        }
        queue.add(change);
    }

    /** Ends the watch with {@code why}, after the changes queued so far; the first reason wins. */
    void end(String why) {
        if (reason.compareAndSet(null, why)) {
            queue.add(END);
            closeWatch();
        }
    }

    /**
     * Ends the stream if a write has been blocked for longer than {@code limitNanos}: the client
     * reads nothing. Interrupting the blocked write closes the connection.
     */
    void checkStalled(long nowNanos, long limitNanos) {
        long since = writingSince;
        if (since != 0 && nowNanos - since > limitNanos) {
            end("the client read nothing for " + (nowNanos - since) / 1_000_000 + " ms");
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    private void closeWatch() {
        RegistryOperations.Watch w = watch.getAndSet(null);
        if (w != null) {
            w.close();
        }
    }

    /** On a stream thread: writes the stream until the watch ends. */
    void run() {
        thread = Thread.currentThread();
        try {
            ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = new BufferedOutputStream(ex.getResponseBody(), 16 * 1024);
            write(out, RegistryJson.watching(key, heartbeat.toMillis()));
            flush(out);
            while (writeNext(out)) {
                flush(out);
            }
            flush(out);
        } catch (IOException e) {
            end("the client went away");
            log.debug("watch of {} for {} ended: {}", key, ex.getRemoteAddress(), e.toString());
        } catch (InterruptedException e) {
            end("the admin API is shutting down");
        } finally {
            thread = null;
            Thread.interrupted();
            closeWatch();
            try {
                ex.close();
            } catch (RuntimeException e) {
                log.debug("watch of {}: closing the exchange: {}", key, e.toString());
            }
        }
    }

    /** Writes one line, which may block when the client does not read: see checkStalled. */
    private void write(OutputStream out, JsonNode line) throws IOException {
        writingSince = System.nanoTime();
        try {
            RegistryJson.writeLine(out, line);
        } finally {
            writingSince = 0;
        }
    }

    private void flush(OutputStream out) throws IOException {
        writingSince = System.nanoTime();
        try {
            out.flush();
        } finally {
            writingSince = 0;
        }
    }

    /** Writes what is queued, or a heartbeat after an idle interval; false after the end. */
    private boolean writeNext(OutputStream out) throws IOException, InterruptedException {
        Object item = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        if (item == null) {
            write(out, RegistryJson.heartbeat(clock.instant()));
            return true;
        }
        while (item != null) {
            if (item == END) {
                write(out, RegistryJson.closed(reason.get()));
                return false;
            }
            waiting.decrementAndGet();
            write(out, RegistryJson.change((RegistryChange) item));
            item = queue.poll();
        }
        return true;
    }
}
