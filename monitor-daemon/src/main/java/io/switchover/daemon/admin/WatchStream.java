package io.switchover.daemon.admin;

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
 * (at the latest the next heartbeat) finds out. Either way the registry's watch is closed.
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
    private volatile RegistryOperations.Watch watch;

    WatchStream(HttpExchange ex, String key, Duration heartbeat, int backlog, Clock clock) {
        this.ex = ex;
        this.key = key;
        this.heartbeat = heartbeat;
        this.backlog = backlog;
        this.clock = clock;
    }

    /** The registry's handle, once the watch is registered. */
    void attach(RegistryOperations.Watch watch) {
        this.watch = watch;
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
        }
    }

    /** On a stream thread: writes the stream until the watch ends. */
    void run() {
        try {
            ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = new BufferedOutputStream(ex.getResponseBody(), 16 * 1024);
            RegistryJson.writeLine(out, RegistryJson.watching(key, heartbeat.toMillis()));
            out.flush();
            while (writeNext(out)) {
                out.flush();
            }
            out.flush();
        } catch (IOException e) {
            end("the client went away");
            log.debug("watch of {} for {} ended: {}", key, ex.getRemoteAddress(), e.toString());
        } catch (InterruptedException e) {
            end("the admin API is shutting down");
            Thread.currentThread().interrupt();
        } finally {
            RegistryOperations.Watch w = watch;
            if (w != null) {
                w.close();
            }
            ex.close();
        }
    }

    /** Writes what is queued, or a heartbeat after an idle interval; false after the end. */
    private boolean writeNext(OutputStream out) throws IOException, InterruptedException {
        Object item = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        if (item == null) {
            RegistryJson.writeLine(out, RegistryJson.heartbeat(clock.instant()));
            return true;
        }
        while (item != null) {
            if (item == END) {
                RegistryJson.writeLine(out, RegistryJson.closed(reason.get()));
                return false;
            }
            waiting.decrementAndGet();
            RegistryJson.writeLine(out, RegistryJson.change((RegistryChange) item));
            item = queue.poll();
        }
        return true;
    }
}
