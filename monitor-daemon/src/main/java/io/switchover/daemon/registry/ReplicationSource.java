package io.switchover.daemon.registry;

import io.switchover.core.registry.Registry;
import io.switchover.core.registry.RegistryChange;
import io.switchover.core.registry.RegistryCodec;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of registry replication: one session with the backup at a time. The session
 * starts when the backup subscribes (its position is the primary's sequence number then); the
 * changes committed from that point on are held until the backup says its compare-and-update is
 * done, then sent as sequenced notification batches, each acknowledged by the backup once durable
 * there. The acknowledged position is the replication lag and what a controlled switchover drains
 * to.
 *
 * <p>Confined to the registry thread. Never blocks a write: a backup that falls too far behind
 * loses its session and re-synchronises by comparison.
 */
final class ReplicationSource {
    private static final Logger log = LoggerFactory.getLogger(ReplicationSource.class);

    /** Most bytes of changes in one notification. */
    static final int MAX_BATCH_BYTES = 1 << 20;

    private final RegistryThread thread;
    private final Registry registry;
    private final RegistryEvents events;
    private final LongConsumer propagated;
    private final Duration ackTimeout;
    private final int maxUnacked;

    private Session session;

    /** The last position the backup acknowledged, kept across sessions for the lag. */
    private long ackedSeq;

    private final List<Drain> drains = new ArrayList<>();

    ReplicationSource(
            RegistryThread thread,
            Registry registry,
            RegistryEvents events,
            LongConsumer propagated,
            Duration ackTimeout,
            int maxUnacked) {
        this.thread = thread;
        this.registry = registry;
        this.events = events;
        this.propagated = propagated;
        this.ackTimeout = ackTimeout;
        this.maxUnacked = maxUnacked;
        this.ackedSeq = registry.lastSeq();
    }

    private final class Session {
        final PeerConnection connection;
        final String backup;
        final long startSeq;
        boolean synced;
        long sentSeq;

        /** Committed, not yet sent (the backup is still comparing, or the group is not over). */
        final Deque<Committed> outbox = new ArrayDeque<>();

        /** Sent, not yet acknowledged: for the lag in time and the propagation figures. */
        final Deque<Committed> unacked = new ArrayDeque<>();

        Session(PeerConnection connection, String backup, long startSeq) {
            this.connection = connection;
            this.backup = backup;
            this.startSeq = startSeq;
            this.sentSeq = startSeq;
        }
    }

    private record Committed(RegistryChange change, long committedNanos) {}

    private record Drain(long target, Consumer<Boolean> drained) {}

    /** A backup subscribed over {@code from}: any earlier session ends; returns the position. */
    long subscribe(PeerConnection from, String backup) {
        end("the backup subscribed again", false);
        long seq = registry.lastSeq();
        session = new Session(from, backup, seq);
        log.info(
                "registry replication to '{}' starts at seq {}; it compares its tree first",
                backup,
                seq);
        events.sessionStarted("source", backup, seq);
        return seq;
    }

    /** The backup finished comparing; its tree matches the primary's at {@code seq} or later. */
    void synced(PeerConnection from, long seq) {
        Session s = session;
        if (s == null || s.connection != from) {
            return;
        }
        s.synced = true;
        ackedSeq = Math.max(ackedSeq, s.startSeq);
        log.info(
                "registry replica '{}' compared its tree; sending the {} changes made meanwhile",
                s.backup,
                s.outbox.size());
        flush();
        checkDrains();
    }

    /** A committed change (called in sequence order after its group's commit). */
    void committed(RegistryChange change) {
        Session s = session;
        if (s == null) {
            return; // the backup compares when it subscribes
        }
        s.outbox.add(new Committed(change, System.nanoTime()));
        if (s.outbox.size() + s.unacked.size() > maxUnacked) {
            end(
                    "the backup fell more than "
                            + maxUnacked
                            + " changes behind; it re-synchronises by comparison",
                    true);
        }
    }

    /** End of a group: sends what it committed as batches. */
    void flush() {
        Session s = session;
        if (s == null || !s.synced) {
            return;
        }
        while (!s.outbox.isEmpty()) {
            List<RegistryChange> batch = new ArrayList<>();
            List<Committed> sent = new ArrayList<>();
            long bytes = 0;
            while (!s.outbox.isEmpty() && (batch.isEmpty() || bytes < MAX_BATCH_BYTES)) {
                Committed c = s.outbox.poll();
                batch.add(c.change());
                sent.add(c);
                bytes += estimate(c.change());
            }
            long seq = batch.get(batch.size() - 1).seq();
            byte[] body = RegistryCodec.encodeChanges(batch);
            s.unacked.addAll(sent);
            s.sentSeq = seq;
            s.connection
                    .notify(ReplicationWire.CHANGES, seq, body, ackTimeout)
                    .whenComplete((o, e) -> thread.execute(() -> acknowledged(s, seq, o, e)));
        }
    }

    private static long estimate(RegistryChange c) {
        long n = 32 + c.key().toString().length() * 2L + c.name().length() * 2L;
        for (var e : c.values().entrySet()) {
            n += 8 + (e.getKey().length() + (long) e.getValue().length()) * 3;
        }
        return n;
    }

    private void acknowledged(Session s, long seq, Outcome<Void> outcome, Throwable error) {
        if (s != session) {
            return;
        }
        if (error != null || !(outcome instanceof Outcome.Success)) {
            end(
                    "changes up to seq "
                            + seq
                            + " were not acknowledged: "
                            + (error != null ? error.toString() : outcome.toString()),
                    false);
            return;
        }
        ackedSeq = Math.max(ackedSeq, seq);
        long now = System.nanoTime();
        while (!s.unacked.isEmpty() && s.unacked.peek().change().seq() <= seq) {
            propagated.accept(now - s.unacked.poll().committedNanos());
        }
        checkDrains();
    }

    /**
     * Controlled switchover: {@code drained} gets {@code true} once the backup acknowledged every
     * change committed so far, {@code false} as soon as that cannot happen (no session, or it
     * ends). Writes are stopped before this is called.
     */
    Runnable drain(Consumer<Boolean> drained) {
        if (session == null) {
            drained.accept(false);
            return () -> {};
        }
        Drain d = new Drain(registry.lastSeq(), drained);
        drains.add(d);
        checkDrains();
        return () -> thread.execute(() -> drains.remove(d));
    }

    private void checkDrains() {
        Session s = session;
        if (s == null || !s.synced) {
            return;
        }
        drains.removeIf(
                d -> {
                    if (ackedSeq >= d.target() || d.target() <= s.startSeq) {
                        d.drained().accept(true);
                        return true;
                    }
                    return false;
                });
    }

    /** Ends the session, if any; {@code tell} lets the backup know why. */
    void end(String reason, boolean tell) {
        Session s = session;
        if (s == null) {
            return;
        }
        session = null;
        log.warn("registry replication to '{}' ended: {}", s.backup, reason);
        events.sessionEnded("source", s.backup, reason);
        if (tell && s.connection.isOpen()) {
            s.connection.request(
                    ReplicationWire.ENDED,
                    new ReplicationWire.Ended(reason).encode(),
                    Duration.ofSeconds(5));
        }
        List<Drain> failed = new ArrayList<>(drains);
        drains.clear();
        failed.forEach(d -> d.drained().accept(false));
    }

    /** The connection closed: its session, if any, ends. */
    void connectionLost(PeerConnection c) {
        if (session != null && session.connection == c) {
            end("the connection to the backup closed", false);
        }
    }

    boolean hasSession() {
        return session != null;
    }

    boolean inSync() {
        return session != null && session.synced;
    }

    long ackedSeq() {
        return ackedSeq;
    }

    String backup() {
        return session == null ? null : session.backup;
    }

    /** Nanoseconds since the oldest change the backup has not acknowledged was committed. */
    long oldestUnackedNanos() {
        OptionalLong at = oldestUnackedCommit();
        return at.isPresent() ? System.nanoTime() - at.getAsLong() : 0;
    }

    /** When ({@link System#nanoTime()}) the oldest unacknowledged change was committed. */
    OptionalLong oldestUnackedCommit() {
        Session s = session;
        if (s == null) {
            return OptionalLong.empty();
        }
        Committed oldest = s.unacked.isEmpty() ? s.outbox.peek() : s.unacked.peek();
        return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest.committedNanos());
    }
}
