package io.switchover.daemon.registry;

import io.switchover.core.registry.Registry;
import io.switchover.core.registry.RegistryChange;
import io.switchover.core.registry.RegistryCodec;
import io.switchover.core.registry.RegistryException;
import io.switchover.core.registry.Resync;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup's side of registry replication. While this node is a backup it keeps one session with
 * the primary: subscribe (the primary names its position and generation), compare-and-update the
 * whole tree, tell the primary it is done, then apply the primary's change batches as they come,
 * acknowledging each once it is durable here. Any failure ends the session; a new one starts after
 * a growing delay, and starts again with a comparison, so nothing changed meanwhile is missed.
 *
 * <p>Confined to the registry thread.
 */
final class ReplicaSession {
    private static final Logger log = LoggerFactory.getLogger(ReplicaSession.class);

    enum Phase {
        IDLE,
        SUBSCRIBING,
        COMPARING,
        SYNCED
    }

    /** Exports this node's tree aside before a comparison changes it; returns nothing. */
    @FunctionalInterface
    interface KeepAside {
        void beforeChanging(String primary);
    }

    private final RegistryThread thread;
    private final Registry registry;
    private final String nodeId;
    private final LongSupplier generation;
    private final Supplier<Optional<PeerConnection>> connection;
    private final RegistryService.Settings settings;
    private final RegistryEvents events;
    private final KeepAside keepAside;

    private boolean wanted;
    private Phase phase = Phase.IDLE;
    private PeerConnection current;
    private String primary;
    private long startSeq;
    private Resync resync;
    private long resyncStarted;
    private int failures;
    private ScheduledFuture<?> retry;
    private String lastEnd = "not started";
    private Resync.Result lastResult;
    private volatile boolean inSync;

    ReplicaSession(
            RegistryThread thread,
            Registry registry,
            String nodeId,
            LongSupplier generation,
            Supplier<Optional<PeerConnection>> connection,
            RegistryService.Settings settings,
            RegistryEvents events,
            KeepAside keepAside) {
        this.thread = thread;
        this.registry = registry;
        this.nodeId = nodeId;
        this.generation = generation;
        this.connection = connection;
        this.settings = settings;
        this.events = events;
        this.keepAside = keepAside;
    }

    /** This node is (still) a backup: keep a session, starting one if none runs. */
    void want() {
        wanted = true;
        if (phase == Phase.IDLE && retry == null) {
            start();
        }
    }

    /** This node is no backup any more: end the session and start none. */
    void unwant(String why) {
        wanted = false;
        cancelRetry();
        end(why, false);
    }

    /** Starts over with a comparison, e.g. because the primary came back with a new generation. */
    void restart(String why) {
        if ((phase == Phase.SUBSCRIBING || phase == Phase.COMPARING)
                && current != null
                && current.isOpen()) {
            // A comparison is starting or running on a live connection: it is the one asked for.
            return;
        }
        end("re-synchronisation requested: " + why, false);
        cancelRetry();
        if (wanted) {
            start();
        }
    }

    private void start() {
        Optional<PeerConnection> c = connection.get();
        if (c.isEmpty()) {
            lastEnd = "no connection to the primary";
            scheduleRetry();
            return;
        }
        current = c.get();
        phase = Phase.SUBSCRIBING;
        PeerConnection via = current;
        var subscribe =
                new ReplicationWire.Subscribe(nodeId, generation.getAsLong(), registry.lastSeq());
        via.request(ReplicationWire.SUBSCRIBE, subscribe.encode(), settings.requestTimeout())
                .whenComplete((o, e) -> thread.execute(() -> subscribed(via, o, e)));
    }

    private void subscribed(PeerConnection via, Outcome<byte[]> outcome, Throwable error) {
        if (via != current || phase != Phase.SUBSCRIBING) {
            return;
        }
        if (error != null || !(outcome instanceof Outcome.Success<byte[]> ok)) {
            end("the primary did not accept the subscription: " + describe(outcome, error), true);
            return;
        }
        ReplicationWire.SubscribeReply reply;
        try {
            reply = ReplicationWire.SubscribeReply.decode(ok.value());
        } catch (RegistryException e) {
            end(e.getMessage(), true);
            return;
        }
        long own = generation.getAsLong();
        if (reply.generation() < own) {
            end(
                    "refused the replication stream from '"
                            + reply.nodeId()
                            + "': its generation "
                            + reply.generation()
                            + " is lower than this node's "
                            + own,
                    true);
            return;
        }
        primary = reply.nodeId();
        startSeq = reply.seq();
        phase = Phase.COMPARING;
        resyncStarted = System.nanoTime();
        events.sessionStarted("replica", primary, startSeq);
        log.info(
                "registry: comparing this node's tree with primary '{}' (its position {})",
                primary,
                startSeq);
        String from = primary;
        resync =
                new Resync(
                        registry,
                        peer(via),
                        settings.resync(),
                        () -> keepAside.beforeChanging(from),
                        this::compared);
        resync.start();
    }

    /** The comparison's messages, over the session's connection; replies on this thread. */
    private Resync.Peer peer(PeerConnection via) {
        return (operation, body, reply) ->
                via.request(operation, body, settings.requestTimeout())
                        .whenComplete(
                                (o, e) ->
                                        thread.execute(
                                                () -> {
                                                    if (via != current) {
                                                        return; // the session ended meanwhile
                                                    }
                                                    reply.accept(
                                                            o instanceof Outcome.Success<byte[]> s
                                                                    ? Resync.Reply.ok(s.value())
                                                                    : Resync.Reply.failed(
                                                                            describe(o, e)));
                                                }));
    }

    private void compared(Resync.Result result) {
        if (phase != Phase.COMPARING) {
            return;
        }
        long millis = (System.nanoTime() - resyncStarted) / 1_000_000;
        lastResult = result;
        events.resynchronised(primary, result, millis);
        if (!result.complete()) {
            end("the comparison did not finish: " + result.detail(), true);
            return;
        }
        registry.resetSeq(startSeq);
        registry.putMeta(RegistryService.META_ORIGIN, "replica");
        try {
            registry.commit();
        } catch (RegistryException e) {
            end("could not make the compared tree durable: " + e.getMessage(), true);
            return;
        }
        phase = Phase.SYNCED;
        inSync = true;
        failures = 0;
        log.info(
                "registry in sync with '{}' at seq {} after {} ms: {} entries written, {} removed,"
                        + " {} messages, {} bytes",
                primary,
                startSeq,
                millis,
                result.stats().entriesWritten(),
                result.stats().entriesRemoved(),
                result.stats().messages(),
                result.stats().bytesSent() + result.stats().bytesReceived());
        PeerConnection via = current;
        via.request(
                        ReplicationWire.SYNCED,
                        new ReplicationWire.Synced(startSeq).encode(),
                        settings.requestTimeout())
                .whenComplete(
                        (o, e) ->
                                thread.execute(
                                        () -> {
                                            if (via == current && !(o instanceof Outcome.Success)) {
                                                end(
                                                        "the primary did not take the end of the"
                                                                + " comparison: "
                                                                + describe(o, e),
                                                        true);
                                            }
                                        }));
    }

    /** A batch of changes from the primary (registry thread, inside a group). */
    void changes(
            PeerConnection from,
            long seq,
            byte[] body,
            PeerHandlers.Acknowledger ack,
            RegistryThread.Group group) {
        if (from != current || phase != Phase.SYNCED) {
            // A stale session's batch: not applied, so not acknowledged.
            return;
        }
        List<RegistryChange> changes;
        try {
            changes = RegistryCodec.decodeChanges(body);
            for (RegistryChange c : changes) {
                if (c.seq() > registry.lastSeq()) {
                    registry.applyReplicated(c);
                }
            }
        } catch (RegistryException e) {
            end(
                    "a change batch up to seq " + seq + " could not be applied: " + e.getMessage(),
                    true);
            return;
        }
        group.wrote();
        PeerConnection via = current;
        group.afterCommit(
                ack::ack,
                e -> {
                    if (via == current) {
                        end("could not make changes durable: " + e.getMessage(), true);
                    }
                });
    }

    /** The primary ended the session on its side. */
    void endedByPrimary(PeerConnection from, String reason) {
        if (from == current) {
            end("the primary ended the session: " + reason, true);
        }
    }

    void connectionLost(PeerConnection c) {
        if (c == current) {
            end("the connection to the primary closed", true);
        }
    }

    /** A new connection is up: a wanted session that waits for one starts now. */
    void connectionUp() {
        if (wanted && phase == Phase.IDLE) {
            cancelRetry();
            start();
        }
    }

    private void end(String reason, boolean retryLater) {
        if (phase == Phase.IDLE) {
            return;
        }
        Phase was = phase;
        phase = Phase.IDLE;
        inSync = false;
        current = null;
        if (resync != null) {
            resync.cancel(reason);
            resync = null;
        }
        lastEnd = reason;
        if (was != Phase.SUBSCRIBING || retryLater) {
            log.warn("registry replication from the primary ended: {}", reason);
        }
        events.sessionEnded("replica", primary == null ? "primary" : primary, reason);
        if (retryLater) {
            failures++;
            scheduleRetry();
        }
    }

    private void scheduleRetry() {
        if (!wanted || retry != null) {
            return;
        }
        long base = settings.retryDelay().toMillis();
        long delay = Math.min(base << Math.min(failures, 5), settings.maxRetryDelay().toMillis());
        retry =
                thread.schedule(
                        Duration.ofMillis(delay),
                        () -> {
                            retry = null;
                            if (wanted && phase == Phase.IDLE) {
                                start();
                            }
                        });
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    private static String describe(Outcome<?> outcome, Throwable error) {
        return error != null ? error.toString() : String.valueOf(outcome);
    }

    boolean inSync() {
        return inSync;
    }

    Phase phase() {
        return phase;
    }

    String lastEnd() {
        return lastEnd;
    }

    Resync.Result lastResult() {
        return lastResult;
    }

    String primary() {
        return primary;
    }
}
