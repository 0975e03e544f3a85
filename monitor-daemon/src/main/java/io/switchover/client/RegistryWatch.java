package io.switchover.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.client.RegistryClient.Change;
import io.switchover.client.RegistryClient.WatchEnd;
import io.switchover.client.RegistryClient.WatchListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open watch of a {@link RegistryClient}: reads the daemon's stream line by line (asking for
 * the next line only once the listener has returned), hands changes to the listener under one lock,
 * and ends exactly once.
 *
 * <p>Lifecycle: opening (until the daemon's first line, {@code {"watching":...}}; a failure here is
 * thrown by {@link #open} and the listener never hears of it) then open, then ended. {@code ended}
 * is called on the client's executor, never on the thread that noticed the end, so that closing
 * from inside {@code changed} and the heartbeat check never wait on the listener.
 */
final class RegistryWatch implements RegistryClient.Watch, Flow.Subscriber<String> {
    /** A watch is lost after this many heartbeat intervals without a line. */
    static final int SILENT_HEARTBEATS = 3;

    private final URI base;
    private final String key;
    private final WatchListener listener;
    private final Executor callbacks;
    private final ScheduledExecutorService watchdog;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();

    /** Held while the listener runs: one call at a time, {@code ended} after every change. */
    private final Object listenerLock = new Object();

    private volatile Flow.Subscription subscription;
    private volatile ScheduledFuture<?> check;
    private volatile long lastSign = System.nanoTime();
    private volatile boolean delivering;

    private RegistryWatch(
            URI base,
            String key,
            WatchListener listener,
            Executor callbacks,
            ScheduledExecutorService watchdog) {
        this.base = base;
        this.key = key;
        this.listener = listener;
        this.callbacks = callbacks;
        this.watchdog = watchdog;
    }

    /** Sends the watch request and waits up to {@code timeout} for the daemon to start it. */
    static RegistryWatch open(
            HttpClient http,
            HttpRequest request,
            Duration timeout,
            URI base,
            String key,
            WatchListener listener,
            Executor callbacks,
            ScheduledExecutorService watchdog)
            throws RegistryClientException {
        RegistryWatch w = new RegistryWatch(base, key, listener, callbacks, watchdog);
        http.sendAsync(
                        request,
                        info ->
                                info.statusCode() == 200
                                        ? HttpResponse.BodySubscribers.mapping(
                                                HttpResponse.BodySubscribers.fromLineSubscriber(w),
                                                v -> "")
                                        : HttpResponse.BodySubscribers.ofString(
                                                StandardCharsets.UTF_8))
                .whenComplete(
                        (response, failure) -> {
                            if (failure != null) {
                                w.broken(failure);
                            } else if (response.statusCode() != 200) {
                                w.opened.completeExceptionally(
                                        RegistryClient.failure(
                                                response.statusCode(), response.body()));
                            }
                        });
        try {
            w.opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return w;
        } catch (ExecutionException e) {
            w.cancel();
            if (e.getCause() instanceof RegistryClientException c) {
                throw c;
            }
            throw RegistryClient.unreachable(base, e.getCause());
        } catch (TimeoutException e) {
            w.cancel();
            throw new RegistryClientException(
                    RegistryClientException.Kind.UNREACHABLE,
                    "the daemon at "
                            + base
                            + " did not start the watch of "
                            + key
                            + " in "
                            + timeout,
                    e);
        } catch (InterruptedException e) {
            w.cancel();
            Thread.currentThread().interrupt();
            throw new RegistryClientException(
                    RegistryClientException.Kind.UNREACHABLE, "interrupted", e);
        }
    }

    @Override
    public boolean isOpen() {
        return opened.isDone() && !opened.isCompletedExceptionally() && !ended.get();
    }

    @Override
    public void close() {
        end(WatchEnd.Reason.CLOSED, "closed by the application");
    }

    // ---------------------------------------------------------------- the stream

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (ended.get()) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(String line) {
        lastSign = System.nanoTime();
        if (line.isBlank()) {
            subscription.request(1);
            return;
        }
        JsonNode doc;
        try {
            doc = RegistryClient.JSON.readTree(line);
        } catch (IOException e) {
            fail("unreadable line from the daemon: " + line);
            return;
        }
        if (!opened.isDone()) {
            start(doc);
        } else if (doc.has("seq")) {
            try {
                deliver(Change.of(doc));
            } catch (RegistryClientException e) {
                fail(e.getMessage());
                return;
            }
        } else if (doc.has("closed")) {
            end(WatchEnd.Reason.ENDED_BY_DAEMON, doc.get("closed").asText());
            return;
        }
        // anything else (a heartbeat) only shows that the connection is alive
        lastSign = System.nanoTime();
        if (!ended.get()) {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable t) {
        broken(t);
    }

    @Override
    public void onComplete() {
        if (!opened.isDone()) {
            opened.completeExceptionally(
                    new RegistryClientException(
                            RegistryClientException.Kind.PROTOCOL,
                            200,
                            "the daemon at " + base + " ended the watch of " + key + " at once"));
        }
        end(
                WatchEnd.Reason.CONNECTION_LOST,
                "the daemon at " + base + " ended the stream without saying why");
    }

    private void start(JsonNode first) {
        long heartbeat = first.path("heartbeatMillis").asLong(0);
        if (!first.has("watching") || heartbeat <= 0) {
            fail("the daemon did not start a watch: " + first);
            return;
        }
        long limit = heartbeat * SILENT_HEARTBEATS;
        check =
                watchdog.scheduleWithFixedDelay(
                        () -> checkAlive(limit), heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        opened.complete(null);
    }

    private void checkAlive(long limitMillis) {
        long silentMillis = (System.nanoTime() - lastSign) / 1_000_000;
        if (!delivering && silentMillis > limitMillis) {
            end(
                    WatchEnd.Reason.CONNECTION_LOST,
                    "nothing from the daemon at "
                            + base
                            + " for "
                            + silentMillis
                            + " ms, "
                            + SILENT_HEARTBEATS
                            + " heartbeat intervals");
        }
    }

    private void deliver(Change change) {
        synchronized (listenerLock) {
            if (ended.get()) {
                return;
            }
            delivering = true;
            try {
                listener.changed(change);
            } catch (RuntimeException e) {
                end(WatchEnd.Reason.LISTENER_FAILED, "the listener threw " + e);
            } finally {
                delivering = false;
            }
        }
    }

    /** The connection failed: before the start, the open fails; after, the watch ends. */
    private void broken(Throwable t) {
        if (!opened.isDone()) {
            opened.completeExceptionally(RegistryClient.unreachable(base, t));
        }
        end(WatchEnd.Reason.CONNECTION_LOST, "the connection to " + base + " broke: " + t);
    }

    private void fail(String problem) {
        if (!opened.isDone()) {
            opened.completeExceptionally(
                    new RegistryClientException(
                            RegistryClientException.Kind.PROTOCOL, 200, problem));
        }
        end(WatchEnd.Reason.CONNECTION_LOST, problem);
    }

    /** Ends the watch once: stops reading, and tells the listener if it was ever open. */
    private void end(WatchEnd.Reason reason, String detail) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        cancel();
        if (opened.isDone() && !opened.isCompletedExceptionally()) {
            WatchEnd end = new WatchEnd(reason, detail);
            callbacks.execute(
                    () -> {
                        synchronized (listenerLock) {
                            listener.ended(end);
                        }
                    });
        }
    }

    private void cancel() {
        ended.set(true);
        ScheduledFuture<?> c = check;
        if (c != null) {
            c.cancel(false);
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
