package io.switchover.daemon.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's live feed: server-sent events to every open console page. One ticker thread
 * builds each status snapshot once (however many pages are open) and picks up newly recorded events
 * as they are appended; each page has a thread of its own (bounded in number) that writes its queue
 * to the browser, so a slow page holds up no other.
 *
 * <pre>
 *   event: hello     {"statusMillis":1000,"heartbeatMillis":15000}   first
 *   event: history   {"events":[...]}   the last events, oldest first, once on connect
 *   event: status    the same tree as GET /status, on connect and every statusMillis
 *   event: event     one newly recorded event (a transition with its reason, a notice...)
 *   event: closed    {"reason":"..."}   last, when the server ends the stream
 *   : heartbeat      a comment whenever nothing was written for heartbeatMillis
 * </pre>
 *
 * A stream ends when its session ends (logout, expiry), when the page falls {@code backlog} frames
 * behind or stops reading (a blocked write is interrupted), and when the daemon stops; the page
 * reconnects by itself.
 */
final class ConsoleFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleFeed.class);

    /** Events sent on connect, so a fresh page shows a timeline at once. */
    static final int HISTORY = 100;

    private static final long TICK_MILLIS = 250;
    private static final ObjectWriter LINE =
            Exchanges.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param maxClients pages streaming at once; one more is answered 503
     * @param statusInterval how often a status snapshot is pushed
     * @param heartbeat how often an otherwise idle stream writes a comment, so that a page that is
     *     gone is noticed
     * @param backlog frames a page may have waiting before its stream is ended as too slow
     */
    record Settings(int maxClients, Duration statusInterval, Duration heartbeat, int backlog) {
        static final Settings DEFAULT =
                new Settings(8, Duration.ofSeconds(1), Duration.ofSeconds(15), 256);

        Settings {
            if (maxClients < 1 || backlog < 1) {
                throw new IllegalArgumentException("console feed limits must be positive");
            }
        }
    }

    private final AdminOperations ops;
    private final Settings settings;
    private final Predicate<String> sessionLive;
    private final StreamThreads threads;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;

    /** The last event sequence handed to the pages; guarded by {@code this}. */
    private long sentSeq;

    private long lastStatusNanos;

    /**
     * @param sessionLive whether a stream's session still lives (checked on every tick; an open
     *     page keeps its session in use)
     */
    ConsoleFeed(AdminOperations ops, Settings settings, Predicate<String> sessionLive) {
        this.ops = ops;
        this.settings = settings;
        this.sessionLive = sessionLive;
        this.threads = new StreamThreads("switchover-console-stream", settings.maxClients());
        this.sentSeq = ops.lastEventSequence();
        this.ticker =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "switchover-console-feed");
                            t.setDaemon(true);
                            return t;
                        });
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts streaming to {@code ex} for {@code sessionId}: false (nothing written) when the most
     * pages are open already; on true a stream thread owns the exchange.
     */
    boolean open(HttpExchange ex, String sessionId) {
        if (!threads.reserve()) {
            return false;
        }
        Client c = new Client(ex, sessionId);
        try {
            Map<String, Object> hello = new LinkedHashMap<>();
            hello.put("statusMillis", settings.statusInterval().toMillis());
            hello.put("heartbeatMillis", settings.heartbeat().toMillis());
            c.offer(frame("hello", hello));
            c.offer(frame("status", ops.status()));
            // Under the lock that the ticker's event broadcast takes: no event can fall between
            // the history read here and the client joining the broadcast.
            synchronized (this) {
                List<Map<String, Object>> history = ops.events(HISTORY);
                for (Map<String, Object> e : history) {
                    c.seenSeq = Math.max(c.seenSeq, sequence(e));
                }
                c.offer(frame("history", Map.of("events", history)));
                clients.add(c);
            }
        } catch (RuntimeException e) {
            clients.remove(c);
            threads.cancel();
            throw e;
        }
        threads.start(
                () -> {
                    try {
                        c.run();
                    } finally {
                        clients.remove(c);
                    }
                });
        return true;
    }

    /** Pages streaming now. */
    int clients() {
        return clients.size();
    }

    /** Ends every stream (each page is told why), then stops the threads. */
    @Override
    public void close() {
        ticker.shutdownNow();
        for (Client c : clients) {
            c.end("the daemon is shutting down");
        }
        threads.close(1000);
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            long stallLimit = 2 * settings.heartbeat().toNanos();
            for (Client c : clients) {
                c.checkStalled(now, stallLimit);
                if (!sessionLive.test(c.sessionId)) {
                    c.end("the session ended (logged out or expired): log in again");
                }
            }
            broadcastNewEvents();
            if (!clients.isEmpty()
                    && now - lastStatusNanos >= settings.statusInterval().toNanos()) {
                lastStatusNanos = now;
                String f = frame("status", ops.status());
                clients.forEach(c -> c.offer(f));
            }
        } catch (RuntimeException e) {
            // A failed status (the core busy past its timeout) skips one tick, not the feed.
            log.warn("console feed: {}", e.toString());
        }
    }

    private synchronized void broadcastNewEvents() {
        long last = ops.lastEventSequence();
        if (last <= sentSeq) {
            return;
        }
        if (!clients.isEmpty()) {
            int count = (int) Math.min(last - sentSeq, AdminServer.MAX_EVENTS);
            for (Map<String, Object> e : ops.events(count)) {
                long seq = sequence(e);
                if (seq > sentSeq) {
                    String f = frame("event", e);
                    clients.forEach(c -> c.offerEvent(seq, f));
                }
            }
        }
        sentSeq = last;
    }

    private static long sequence(Map<String, Object> event) {
        return event.get("sequence") instanceof Number n ? n.longValue() : 0;
    }

    private static String frame(String name, Object data) {
        try {
            return "event: " + name + "\ndata: " + LINE.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render console " + name + ": " + e, e);
        }
    }

    /** One open page: its queue of frames and the thread that writes them. */
    private final class Client {
        private static final Object END = new Object();

        private final HttpExchange ex;
        private final String sessionId;
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final AtomicReference<String> reason = new AtomicReference<>();
        private volatile Thread thread;
        private volatile long writingSince;

        /** The newest event this page has; written by the ticker under the feed's lock. */
        private long seenSeq;

        Client(HttpExchange ex, String sessionId) {
            this.ex = ex;
            this.sessionId = sessionId;
        }

        void offer(String frame) {
            if (reason.get() != null) {
                return;
            }
            if (queue.size() >= settings.backlog()) {
                end("the page fell " + settings.backlog() + " updates behind");
                return;
            }
            queue.add(frame);
        }

        void offerEvent(long seq, String frame) {
            if (seq > seenSeq) {
                seenSeq = seq;
                offer(frame);
            }
        }

        void end(String why) {
            if (reason.compareAndSet(null, why)) {
                queue.add(END);
            }
        }

        void checkStalled(long nowNanos, long limitNanos) {
            long since = writingSince;
            if (since != 0 && nowNanos - since > limitNanos) {
                end("the page read nothing for " + (nowNanos - since) / 1_000_000 + " ms");
                Thread t = thread;
                if (t != null) {
                    t.interrupt();
                }
            }
        }

        void run() {
            thread = Thread.currentThread();
            try {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                write(out, "retry: 2000\n\n");
                while (true) {
                    Object item =
                            queue.poll(settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
                    if (item == null) {
                        write(out, ": heartbeat\n\n");
                    } else if (item == END) {
                        write(out, frame("closed", Map.of("reason", reason.get())));
                        break;
                    } else {
                        write(out, (String) item);
                    }
                }
            } catch (IOException e) {
                end("the page went away");
                log.debug("console stream to {} ended: {}", ex.getRemoteAddress(), e.toString());
            } catch (InterruptedException e) {
                end("the daemon is shutting down");
            } finally {
                thread = null;
                Thread.interrupted();
                try {
                    ex.close();
                } catch (RuntimeException e) {
                    log.debug("console stream: closing the exchange: {}", e.toString());
                }
            }
        }

        private void write(OutputStream out, String text) throws IOException {
            writingSince = System.nanoTime();
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } finally {
                writingSince = 0;
            }
        }
    }
}
