package io.switchover.daemon.mirror;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.switchover.core.mirror.Coalescer;
import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.EntryType;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.Glob;
import io.switchover.core.mirror.MirrorCodec;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorOp;
import io.switchover.core.mirror.MirrorPath;
import io.switchover.core.mirror.MirrorPlan;
import io.switchover.core.mirror.Reconciliation;
import io.switchover.core.time.Cancellable;
import io.switchover.notifier.session.ChunkSource;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of directory mirroring: one session at a time with the backup, over the
 * connection the backup subscribed on. A session first compares every configured directory with the
 * backup's copy and brings it in line (listing both sides, confirming by hash where size and time
 * are not conclusive, sending what differs, deleting what is gone), tells the backup it is in sync,
 * then ships every change the watches report, coalesced. Work on paths where one lies under the
 * other never runs at once, and runs in the order it came, so a delete and a later write of the
 * same place arrive in that order.
 *
 * <p>Confined to the mirror thread; file I/O runs on the I/O pool and reports back.
 */
final class MirrorSource {
    private static final Logger log = LoggerFactory.getLogger(MirrorSource.class);

    /** Failures of a directory in a row from which a retry is logged as a warning. */
    private static final int WARN_AFTER_FAILURES = 3;

    /** The longest first retry delay while a handover drains. */
    private static final Duration DRAIN_RETRY = Duration.ofMillis(50);

    /** Entries per listing page the backup sends. */
    static final int LIST_PAGE = 10_000;

    /** Paths per hash request. */
    static final int HASH_BATCH = 512;

    /** Steps per apply request. */
    static final int APPLY_BATCH = 1_000;

    /**
     * Files modified this recently before a listing are confirmed by hash even if size and time
     * match.
     */
    static final Duration AMBIGUOUS = Duration.ofSeconds(2);

    /** Settings of the source. */
    record Settings(int transfers, Duration requestTimeout, Duration streamIdle, Duration retry) {}

    /** A directory this node mirrors as primary. */
    static final class SourceDir {
        final DirectorySpec spec;
        final Path root;
        final List<Glob> excludes;
        final DirectoryStats stats;
        int failures;

        SourceDir(DirectorySpec spec, List<Glob> excludes) {
            this.spec = spec;
            this.root = Path.of(spec.source());
            this.excludes = excludes;
            this.stats = new DirectoryStats(spec);
        }
    }

    /** Something to do for one path (and what lies under it) of one directory. */
    private abstract static class Work {
        final SourceDir dir;
        final MirrorPath path;
        final long readyNanos;

        Work(SourceDir dir, MirrorPath path, long readyNanos) {
            this.dir = dir;
            this.path = path;
            this.readyNanos = readyNanos;
        }

        boolean conflicts(Work other) {
            return dir == other.dir && (path.startsWith(other.path) || other.path.startsWith(path));
        }
    }

    /** Compare a directory (or a subtree of it) with the backup's copy and bring it in line. */
    private static final class Compare extends Work {
        final boolean initial;

        Compare(SourceDir dir, MirrorPath under, boolean initial, long readyNanos) {
            super(dir, under, readyNanos);
            this.initial = initial;
        }
    }

    /** Ship one changed path as it is now: content, link, deletion, or a subtree compare. */
    private static final class Ship extends Work {
        Ship(SourceDir dir, MirrorPath path, long readyNanos) {
            super(dir, path, readyNanos);
        }
    }

    /** What one piece of work did. */
    private static final class Tally {
        long transferred;
        long bytes;
        long deleted;
        final List<String> failures = new ArrayList<>();
    }

    private final String nodeId;
    private final Map<String, SourceDir> dirs = new LinkedHashMap<>();
    private final MirrorThread thread;
    private final Executor io;
    private final Settings settings;
    private final MirrorEvents events;

    private Session session;
    private long nextSession = System.currentTimeMillis();

    MirrorSource(
            String nodeId,
            List<SourceDir> dirs,
            MirrorThread thread,
            Executor io,
            Settings settings,
            MirrorEvents events) {
        this.nodeId = nodeId;
        for (SourceDir d : dirs) {
            this.dirs.put(d.spec.id(), d);
        }
        this.thread = thread;
        this.io = io;
        this.settings = settings;
        this.events = events;
    }

    Iterable<SourceDir> directories() {
        return dirs.values();
    }

    /** One session with the backup. */
    private final class Session {
        final long id;
        final PeerConnection via;
        final String peer;
        final Deque<Work> queue = new ArrayDeque<>();
        final List<Work> running = new ArrayList<>();
        final Set<String> comparing = new HashSet<>();
        final Set<String> mirrored = new HashSet<>();
        final List<Consumer<Boolean>> drains = new ArrayList<>();
        final long started = System.nanoTime();
        final Tally initial = new Tally();

        /** Failed work waiting for its retry; a drain is not complete while any waits. */
        final Map<Work, Cancellable> retrying = new IdentityHashMap<>();

        boolean synced;
        boolean ended;

        Session(long id, PeerConnection via, String peer) {
            this.id = id;
            this.via = via;
            this.peer = peer;
        }
    }

    // ------------------------------------------------------------------ session lifecycle

    /**
     * The backup subscribed: a new session replaces any other and starts comparing every directory
     * the backup also configures.
     *
     * @return the session's number
     */
    long subscribe(PeerConnection via, MirrorCodec.Subscribe sub) {
        end("the backup subscribed again", false);
        Session s = new Session(++nextSession, via, sub.node());
        session = s;
        events.sessionStarted("source", s.peer);
        log.info(
                "mirroring to '{}': session {} started, comparing {} directories",
                s.peer,
                s.id,
                dirs.size());
        Set<String> theirs = new HashSet<>(sub.directories());
        for (SourceDir d : dirs.values()) {
            String same = (d.spec.recursive() ? "+" : "") + d.spec.id();
            String other = (d.spec.recursive() ? "" : "+") + d.spec.id();
            if (!theirs.contains(same)) {
                String why =
                        theirs.contains(other)
                                ? "the backup '"
                                        + s.peer
                                        + "' mirrors "
                                        + d.spec.id()
                                        + (d.spec.recursive() ? " without" : " with")
                                        + " subdirectories ('+'), this node "
                                        + (d.spec.recursive() ? "with" : "without")
                                        + "; configure both nodes alike"
                                : "the backup '"
                                        + s.peer
                                        + "' does not configure "
                                        + d.spec.id()
                                        + " for mirroring; add it to its mirror section";
                d.stats.failed(why);
                log.warn("mirroring {}: {}", d.spec.source(), why);
                continue;
            }
            s.comparing.add(d.spec.id());
            s.mirrored.add(d.spec.id());
            s.queue.add(new Compare(d, MirrorPath.ROOT, true, System.nanoTime()));
        }
        thread.execute(() -> pump(s));
        return s.id;
    }

    /** Ends the session, if any, with the reason; the backup is told when {@code tell}. */
    void end(String why, boolean tell) {
        Session s = session;
        if (s == null) {
            return;
        }
        session = null;
        s.ended = true;
        s.retrying.values().forEach(Cancellable::cancel);
        s.retrying.clear();
        for (Consumer<Boolean> d : s.drains) {
            d.accept(false);
        }
        s.drains.clear();
        for (SourceDir d : dirs.values()) {
            d.stats.pending = 0;
        }
        if (tell && s.via.isOpen()) {
            s.via.request(
                    MirrorCodec.ENDED,
                    new MirrorCodec.Ended(s.id, why).encode(),
                    settings.requestTimeout());
        }
        log.info("mirroring to '{}': session {} ended: {}", s.peer, s.id, why);
        events.sessionEnded("source", s.peer, why);
    }

    void endedByBackup(PeerConnection from, MirrorCodec.Ended ended) {
        Session s = session;
        if (s != null && s.via == from && s.id == ended.session()) {
            end("the backup ended the session: " + ended.reason(), false);
        }
    }

    void connectionLost(PeerConnection c) {
        Session s = session;
        if (s != null && s.via == c) {
            end("the connection to the backup was lost", false);
        }
    }

    /** Whether a session runs and its first comparison of every directory is done. */
    boolean inSync() {
        Session s = session;
        return s != null && s.synced;
    }

    Optional<String> backup() {
        Session s = session;
        return s == null ? Optional.empty() : Optional.of(s.peer);
    }

    // ------------------------------------------------------------------ changes

    /** The coalescer says a path (or a whole directory) is ready to ship. */
    void ready(Coalescer.Ready r) {
        Session s = session;
        SourceDir d = dirs.get(r.directory());
        if (s == null || d == null) {
            return; // The next session compares everything anyway.
        }
        Work w =
                r.whole()
                        ? new Compare(d, MirrorPath.ROOT, false, System.nanoTime())
                        : new Ship(d, r.path(), System.nanoTime());
        enqueue(s, w);
        pump(s);
    }

    private void enqueue(Session s, Work w) {
        for (Work q : s.queue) {
            if (q.getClass() == w.getClass() && q.dir == w.dir && q.path.equals(w.path)) {
                return; // Already waiting: it ships the path as it is when it runs.
            }
        }
        s.queue.add(w);
    }

    /** Starts waiting work that conflicts with nothing running or waiting before it. */
    private void pump(Session s) {
        if (s.ended) {
            return;
        }
        List<Work> blocked = new ArrayList<>();
        for (Iterator<Work> it = s.queue.iterator();
                it.hasNext() && s.running.size() < settings.transfers(); ) {
            Work w = it.next();
            if (conflictsWithAny(w, s.running) || conflictsWithAny(w, blocked)) {
                blocked.add(w);
                continue;
            }
            it.remove();
            s.running.add(w);
            start(s, w);
        }
        updatePending(s);
        if (s.comparing.isEmpty() && !s.synced) {
            synced(s); // Nothing (left) to compare: no directory in common, or all done.
        }
        checkDrains(s);
    }

    private static boolean conflictsWithAny(Work w, List<Work> others) {
        for (Work o : others) {
            if (w.conflicts(o)) {
                return true;
            }
        }
        return false;
    }

    private void updatePending(Session s) {
        Map<SourceDir, Integer> counts = new LinkedHashMap<>();
        for (Work w : s.queue) {
            counts.merge(w.dir, 1, Integer::sum);
        }
        for (Work w : s.running) {
            counts.merge(w.dir, 1, Integer::sum);
        }
        for (SourceDir d : dirs.values()) {
            d.stats.pending = counts.getOrDefault(d, 0);
        }
    }

    private void start(Session s, Work w) {
        Tally tally = new Tally();
        CompletableFuture<Void> done =
                w instanceof Compare c
                        ? compare(s, c.dir, c.path, tally)
                        : ship(s, (Ship) w, tally);
        done.whenComplete((v, e) -> thread.execute(() -> finished(s, w, tally, e)));
    }

    private void finished(Session s, Work w, Tally tally, Throwable error) {
        s.running.remove(w);
        if (s.ended) {
            return;
        }
        SourceDir d = w.dir;
        if (error != null) {
            tally.failures.add(message(error));
        }
        if (tally.failures.isEmpty()) {
            d.failures = 0;
            if (!(w instanceof Compare)) {
                events.propagated(System.nanoTime() - w.readyNanos);
            }
        } else {
            String first = tally.failures.get(0);
            String why =
                    tally.failures.size() == 1
                            ? first
                            : first + " (and " + (tally.failures.size() - 1) + " more)";
            d.stats.failed(why);
            events.failed(d.spec.id(), w.path.toString(), why);
            // A file that changes while it is sent fails once and goes on the next try: normal
            // under churn. Only failures that repeat are worth an operator's attention.
            if (d.failures + 1 >= WARN_AFTER_FAILURES) {
                log.warn(
                        "mirroring {}/{}: {}; failed {} times in a row, retried",
                        d.spec.source(),
                        w.path,
                        why,
                        d.failures + 1);
            } else {
                log.info("mirroring {}/{}: {}; retried", d.spec.source(), w.path, why);
            }
            retryLater(s, w, d);
        }
        if (w instanceof Compare c && c.initial) {
            s.initial.transferred += tally.transferred;
            s.initial.bytes += tally.bytes;
            s.initial.deleted += tally.deleted;
            if (tally.failures.isEmpty()) {
                s.comparing.remove(d.spec.id());
                d.stats.lastSync = Instant.now();
            }
        } else if (tally.failures.isEmpty() && w.path.isRoot()) {
            d.stats.lastSync = Instant.now();
        }
        pump(s);
    }

    /**
     * Failed work is tried again after a delay that doubles with each failure in a row; during a
     * handover's drain the first delay is at most {@link #DRAIN_RETRY}, since the switchover waits.
     */
    private void retryLater(Session s, Work w, SourceDir d) {
        d.failures++;
        long factor = 1L << Math.min(d.failures - 1, 5);
        Duration base =
                s.drains.isEmpty() || settings.retry().compareTo(DRAIN_RETRY) <= 0
                        ? settings.retry()
                        : DRAIN_RETRY;
        Work again =
                w instanceof Compare c
                        ? new Compare(d, c.path, c.initial, System.nanoTime())
                        : new Ship(d, w.path, System.nanoTime());
        s.retrying.put(
                again,
                thread.schedule(
                        base.multipliedBy(factor),
                        () -> {
                            if (s.retrying.remove(again) != null && !s.ended) {
                                enqueue(s, again);
                                pump(s);
                            }
                        }));
    }

    private void synced(Session s) {
        s.synced = true;
        long millis = (System.nanoTime() - s.started) / 1_000_000;
        log.info(
                "mirroring to '{}': every directory compared in {} ms ({} files, {} bytes sent,"
                        + " {} deleted); the backup is in sync",
                s.peer,
                millis,
                s.initial.transferred,
                s.initial.bytes,
                s.initial.deleted);
        events.synced(s.peer, s.initial.transferred, s.initial.bytes, s.initial.deleted, millis);
        s.via.request(
                        MirrorCodec.SYNCED,
                        new MirrorCodec.Synced(s.id).encode(),
                        settings.requestTimeout())
                .whenComplete(
                        (o, e) ->
                                thread.execute(
                                        () -> {
                                            if (e != null
                                                    || !(o instanceof Outcome.Success<byte[]>)) {
                                                end(
                                                        "the backup did not take the end of the"
                                                                + " comparison: "
                                                                + describe(o, e),
                                                        false);
                                            }
                                        }));
    }

    // ------------------------------------------------------------------ drain

    /**
     * Handing over: ships everything pending now, compares every mirrored directory once more, and
     * reports {@code true} once nothing is left to ship, {@code false} if the session ends first or
     * there is none.
     */
    Runnable drain(Coalescer coalescer, Consumer<Boolean> drained) {
        Session s = session;
        if (s == null) {
            drained.accept(false);
            return () -> {};
        }
        coalescer.flush();
        // A change may be written but its event not yet delivered by the watch: compare every
        // directory once more, so everything written before the drain began is on the backup.
        for (SourceDir d : dirs.values()) {
            if (s.mirrored.contains(d.spec.id())) {
                enqueue(s, new Compare(d, MirrorPath.ROOT, false, System.nanoTime()));
            }
        }
        // Failed work waiting for its retry is tried now: the switchover waits for it.
        List<Work> waiting = new ArrayList<>(s.retrying.keySet());
        s.retrying.values().forEach(Cancellable::cancel);
        s.retrying.clear();
        waiting.forEach(w -> enqueue(s, w));
        s.drains.add(drained);
        pump(s);
        return () -> s.drains.remove(drained);
    }

    private void checkDrains(Session s) {
        if (!s.drains.isEmpty()
                && s.synced
                && s.queue.isEmpty()
                && s.running.isEmpty()
                && s.retrying.isEmpty()) {
            List<Consumer<Boolean>> done = new ArrayList<>(s.drains);
            s.drains.clear();
            done.forEach(d -> d.accept(true));
        }
    }

    // ------------------------------------------------------------------ the work

    private CompletableFuture<Void> ship(Session s, Ship w, Tally tally) {
        SourceDir d = w.dir;
        return CompletableFuture.supplyAsync(() -> statOrNull(d, w.path), io)
                .thenComposeAsync(
                        entry -> {
                            if (entry == null) {
                                if (!Files.isDirectory(d.root, LinkOption.NOFOLLOW_LINKS)
                                        && !Files.isDirectory(d.root)) {
                                    throw new CompletionException(
                                            new MirrorException(
                                                    MirrorException.Kind.IO, missingRoot(d)));
                                }
                                if (!d.spec.includes(w.path, EntryType.FILE)
                                        || !d.spec.includes(w.path, EntryType.DIRECTORY)) {
                                    // Gone, and of a kind that may be excluded: the backup's own
                                    // file of that name is not the primary's to delete.
                                    return CompletableFuture.completedFuture(null);
                                }
                                tally.deleted++;
                                return apply(s, d, List.of(new MirrorOp.Delete(w.path)), tally);
                            }
                            if (!d.spec.includes(w.path, entry.type())) {
                                return CompletableFuture.completedFuture(null);
                            }
                            switch (entry.type()) {
                                case FILE:
                                    return transfer(s, d, entry, tally);
                                case SYMLINK:
                                    return apply(s, d, List.of(new MirrorOp.Link(entry)), tally);
                                default:
                                    return compare(s, d, w.path, tally);
                            }
                        },
                        thread);
    }

    private static FileEntry statOrNull(SourceDir d, MirrorPath path) {
        try {
            return LocalTree.stat(d.root, path).orElse(null);
        } catch (MirrorException e) {
            throw new CompletionException(e);
        }
    }

    private static String missingRoot(SourceDir d) {
        return "source directory "
                + d.spec.source()
                + " is missing or not a directory on the primary: nothing is mirrored from it and"
                + " the backup's copy is left as it is";
    }

    /** Lists both sides of {@code under}, confirms by hash where needed, and applies the plan. */
    private CompletableFuture<Void> compare(Session s, SourceDir d, MirrorPath under, Tally tally) {
        long listedAt = Instant.now().toEpochMilli() * 1_000_000L;
        CompletableFuture<Local> local =
                CompletableFuture.supplyAsync(() -> listLocal(d, under), io);
        CompletableFuture<List<FileEntry>> remote =
                listRemote(s, d, under, MirrorPath.ROOT, new ArrayList<>());
        return local.thenCombineAsync(remote, (l, r) -> new Object[] {l, r}, thread)
                .thenCompose(
                        both -> {
                            Local l = (Local) both[0];
                            @SuppressWarnings("unchecked")
                            List<FileEntry> r = (List<FileEntry>) both[1];
                            if (l.missing) {
                                return CompletableFuture.completedFuture(null);
                            }
                            if (under.isRoot()) {
                                d.stats.files = l.files;
                                d.stats.bytes = l.bytes;
                            }
                            Reconciliation rec =
                                    new Reconciliation(
                                            l.entries, r, listedAt - AMBIGUOUS.toNanos());
                            return confirm(s, d, rec.toConfirm())
                                    .thenCompose(
                                            same -> {
                                                List<MirrorOp> ops = new ArrayList<>();
                                                if (l.self != null) {
                                                    ops.add(new MirrorOp.MakeDirectory(l.self));
                                                }
                                                MirrorPlan plan = rec.plan(same);
                                                ops.addAll(plan.ops());
                                                if (l.self != null) {
                                                    ops.add(new MirrorOp.SetAttributes(l.self));
                                                }
                                                return execute(s, d, ops, 0, tally);
                                            });
                        });
    }

    /** A local listing: the entries, the subtree's own entry, totals. */
    private static final class Local {
        List<FileEntry> entries = List.of();
        FileEntry self;
        boolean missing;
        long files;
        long bytes;
    }

    private Local listLocal(SourceDir d, MirrorPath under) {
        Local l = new Local();
        try {
            if (!Files.isDirectory(d.root)) {
                throw new MirrorException(MirrorException.Kind.IO, missingRoot(d));
            }
            if (!under.isRoot()) {
                Optional<FileEntry> self = LocalTree.stat(d.root, under);
                if (self.isEmpty() || self.get().type() != EntryType.DIRECTORY) {
                    // Gone or no longer a directory since it was reported: ship it as it is now.
                    l.missing = true;
                    return l;
                }
                l.self = self.get();
            }
            List<String> skipped = new ArrayList<>();
            LocalTree.Page page =
                    LocalTree.list(
                            d.root,
                            under,
                            d.spec.recursive(),
                            d.excludes,
                            MirrorPath.ROOT,
                            Integer.MAX_VALUE,
                            skipped::add);
            for (String why : skipped) {
                log.warn("mirroring {}: not mirrored: {}", d.spec.source(), why);
            }
            l.entries = page.entries();
            for (FileEntry e : l.entries) {
                if (e.type() == EntryType.FILE) {
                    l.files++;
                    l.bytes += e.size();
                }
            }
            return l;
        } catch (MirrorException e) {
            throw new CompletionException(e);
        }
    }

    private CompletableFuture<List<FileEntry>> listRemote(
            Session s, SourceDir d, MirrorPath under, MirrorPath after, List<FileEntry> into) {
        var request =
                new MirrorCodec.ListRequest(
                        s.id,
                        d.spec.id(),
                        under,
                        d.spec.recursive(),
                        d.spec.excludes(),
                        after,
                        LIST_PAGE);
        return call(s, MirrorCodec.LIST, request.encode())
                .thenComposeAsync(
                        body -> {
                            MirrorCodec.ListReply reply =
                                    decode(() -> MirrorCodec.ListReply.decode(body));
                            into.addAll(reply.entries());
                            if (!reply.more() || reply.entries().isEmpty()) {
                                return CompletableFuture.completedFuture(into);
                            }
                            MirrorPath last =
                                    reply.entries().get(reply.entries().size() - 1).path();
                            return listRemote(s, d, under, last, into);
                        },
                        thread);
    }

    /** Hashes both sides of each path; the paths whose contents are equal. */
    private CompletableFuture<Set<MirrorPath>> confirm(
            Session s, SourceDir d, List<MirrorPath> paths) {
        Set<MirrorPath> same = new HashSet<>();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < paths.size(); i += HASH_BATCH) {
            List<MirrorPath> batch = paths.subList(i, Math.min(paths.size(), i + HASH_BATCH));
            chain =
                    chain.thenCompose(
                            v -> {
                                CompletableFuture<List<byte[]>> mine =
                                        CompletableFuture.supplyAsync(
                                                () -> hashLocal(d, batch), io);
                                CompletableFuture<byte[]> theirs =
                                        call(
                                                s,
                                                MirrorCodec.HASH,
                                                new MirrorCodec.HashRequest(
                                                                s.id, d.spec.id(), batch)
                                                        .encode());
                                return mine.thenCombineAsync(
                                        theirs,
                                        (m, body) -> {
                                            List<byte[]> t =
                                                    decode(() -> MirrorCodec.HashReply.decode(body))
                                                            .hashes();
                                            for (int j = 0; j < batch.size() && j < t.size(); j++) {
                                                if (m.get(j).length > 0
                                                        && Arrays.equals(m.get(j), t.get(j))) {
                                                    same.add(batch.get(j));
                                                }
                                            }
                                            return null;
                                        },
                                        thread);
                            });
        }
        return chain.thenApply(v -> same);
    }

    private static List<byte[]> hashLocal(SourceDir d, List<MirrorPath> paths) {
        List<byte[]> out = new ArrayList<>(paths.size());
        for (MirrorPath p : paths) {
            try {
                out.add(LocalTree.hash(d.root, p));
            } catch (MirrorException e) {
                out.add(new byte[0]);
            }
        }
        return out;
    }

    /**
     * Applies {@code ops} from {@code from} on: runs of steps go in apply requests, runs of
     * transfers go as streams, up to the configured number at once; each run waits for the one
     * before it, so the plan's order holds.
     */
    private CompletableFuture<Void> execute(
            Session s, SourceDir d, List<MirrorOp> ops, int from, Tally tally) {
        if (from >= ops.size() || s.ended) {
            return CompletableFuture.completedFuture(null);
        }
        boolean transfers = ops.get(from) instanceof MirrorOp.Transfer;
        int to = from;
        while (to < ops.size()
                && (ops.get(to) instanceof MirrorOp.Transfer) == transfers
                && (transfers || to - from < APPLY_BATCH)) {
            to++;
        }
        List<MirrorOp> run = ops.subList(from, to);
        int next = to;
        CompletableFuture<Void> step;
        if (transfers) {
            step = transferAll(s, d, run, tally);
        } else {
            for (MirrorOp op : run) {
                if (op instanceof MirrorOp.Delete) {
                    tally.deleted++;
                }
            }
            step = apply(s, d, run, tally);
        }
        return step.thenCompose(v -> execute(s, d, ops, next, tally));
    }

    /** Files up to this size travel in packs of several files per stream. */
    static final long PACK_FILE_MAX = 256 * 1024;

    /** Content bytes per pack, at most (read into memory before the pack is sent). */
    static final long PACK_BYTES = 4L << 20;

    /** Files per pack, at most. */
    static final int PACK_FILES = 512;

    /**
     * Sends every transfer of a run, {@code transfers} streams at a time: large files one per
     * stream, small ones in packs.
     */
    private CompletableFuture<Void> transferAll(
            Session s, SourceDir d, List<MirrorOp> run, Tally tally) {
        Iterator<List<FileEntry>> it = packs(run).iterator();
        CompletableFuture<Void> all = new CompletableFuture<>();
        int[] active = {0};
        Runnable[] more = new Runnable[1];
        more[0] =
                () -> {
                    while (active[0] < settings.transfers() && it.hasNext() && !s.ended) {
                        List<FileEntry> unit = it.next();
                        active[0]++;
                        CompletableFuture<Void> sent =
                                unit.size() == 1 && unit.get(0).size() > PACK_FILE_MAX
                                        ? transfer(s, d, unit.get(0), tally)
                                        : transferPack(s, d, unit, tally);
                        sent.whenComplete(
                                (v, err) ->
                                        thread.execute(
                                                () -> {
                                                    active[0]--;
                                                    if (err != null) {
                                                        tally.failures.add(
                                                                unit.get(0).path()
                                                                        + (unit.size() > 1
                                                                                ? " (and "
                                                                                        + (unit
                                                                                                        .size()
                                                                                                - 1)
                                                                                        + " more)"
                                                                                : "")
                                                                        + ": "
                                                                        + message(err));
                                                    }
                                                    more[0].run();
                                                }));
                    }
                    if (active[0] == 0 && (!it.hasNext() || s.ended)) {
                        all.complete(null);
                    }
                };
        thread.execute(more[0]);
        return all;
    }

    /** The run's files grouped: a large file alone, small ones together up to the pack limits. */
    private static List<List<FileEntry>> packs(List<MirrorOp> run) {
        List<List<FileEntry>> out = new ArrayList<>();
        List<FileEntry> pack = new ArrayList<>();
        long bytes = 0;
        for (MirrorOp op : run) {
            FileEntry e = ((MirrorOp.Transfer) op).entry();
            if (e.size() > PACK_FILE_MAX) {
                out.add(List.of(e));
                continue;
            }
            if (pack.size() == PACK_FILES || bytes + e.size() > PACK_BYTES) {
                out.add(pack);
                pack = new ArrayList<>();
                bytes = 0;
            }
            pack.add(e);
            bytes += e.size();
        }
        if (!pack.isEmpty()) {
            out.add(pack);
        }
        return out;
    }

    /** Small files read into memory, and the ones that changed while they were read. */
    private record Pack(ByteBuf content, List<FileEntry> entries, List<String> changed) {}

    /**
     * Sends small files in one stream. They are read first (a pack is at most {@link #PACK_BYTES}),
     * and a file that changed while it was read is left out and reported (its writer's next event
     * ships it again), so every file in the pack is one whole version.
     */
    private CompletableFuture<Void> transferPack(
            Session s, SourceDir d, List<FileEntry> files, Tally tally) {
        return CompletableFuture.supplyAsync(() -> readPack(d, files), io)
                .thenComposeAsync(
                        pack -> {
                            for (String why : pack.changed()) {
                                tally.failures.add(why);
                            }
                            if (pack.entries().isEmpty()) {
                                pack.content().release();
                                return CompletableFuture.<Void>completedFuture(null);
                            }
                            byte[] header =
                                    new MirrorCodec.FilesHeader(s.id, d.spec.id(), pack.entries())
                                            .encode();
                            return s.via.stream(
                                            MirrorCodec.FILES,
                                            header,
                                            new BufferSource(pack.content()),
                                            settings.streamIdle())
                                    .thenAcceptAsync(o -> packSent(d, pack, o, tally), thread);
                        },
                        thread);
    }

    private void packSent(SourceDir d, Pack pack, Outcome<byte[]> o, Tally tally) {
        if (!(o instanceof Outcome.Success<byte[]> ok)) {
            throw new CompletionException(
                    new MirrorException(
                            MirrorException.Kind.IO,
                            "sending "
                                    + pack.entries().size()
                                    + " files from '"
                                    + pack.entries().get(0).path()
                                    + "': "
                                    + o));
        }
        var reply = decode(() -> MirrorCodec.ApplyReply.decode(ok.value()));
        Set<Integer> failed = new HashSet<>();
        for (MirrorCodec.Failure f : reply.failures()) {
            failed.add(f.index());
            String path =
                    f.index() >= 0 && f.index() < pack.entries().size()
                            ? pack.entries().get(f.index()).path().toString()
                            : "?";
            tally.failures.add(path + ": " + f.message());
        }
        for (int i = 0; i < pack.entries().size(); i++) {
            if (!failed.contains(i)) {
                long size = pack.entries().get(i).size();
                tally.transferred++;
                tally.bytes += size;
                d.stats.transferred++;
                d.stats.transferredBytes += size;
            }
        }
    }

    private static Pack readPack(SourceDir d, List<FileEntry> files) {
        long total = 0;
        for (FileEntry e : files) {
            total += e.size();
        }
        ByteBuf content = PooledByteBufAllocator.DEFAULT.directBuffer((int) Math.max(1, total));
        List<FileEntry> stable = new ArrayList<>(files.size());
        List<String> changed = new ArrayList<>();
        try {
            for (FileEntry e : files) {
                int start = content.writerIndex();
                String why = readWhole(d.root, e, content);
                if (why == null) {
                    stable.add(e);
                } else {
                    content.writerIndex(start);
                    changed.add(e.path() + ": " + why);
                }
            }
            return new Pack(content, stable, changed);
        } catch (RuntimeException e) {
            content.release();
            throw e;
        }
    }

    /** Appends the file's content; null if it is still what was listed, else why not. */
    private static String readWhole(Path root, FileEntry e, ByteBuf into) {
        try (FileChannel c =
                FileChannel.open(FileSource.resolve(root, e.path()), StandardOpenOption.READ)) {
            long at = 0;
            while (at < e.size()) {
                int n = into.writeBytes(c, at, (int) (e.size() - at));
                if (n < 0) {
                    return "it became shorter while it was read; it is sent again when its writer"
                            + " is done";
                }
                at += n;
            }
            Optional<FileEntry> now = LocalTree.stat(root, e.path());
            if (now.isEmpty()
                    || now.get().size() != e.size()
                    || now.get().mtimeNanos() != e.mtimeNanos()) {
                return "it changed while it was read; it is sent again when its writer is done";
            }
            return null;
        } catch (IOException | MirrorException x) {
            return "reading it failed: " + x.getMessage();
        }
    }

    /** A pack's content, handed out in chunks; released when the stream ends. */
    private static final class BufferSource implements ChunkSource {
        private final ByteBuf content;

        BufferSource(ByteBuf content) {
            this.content = content;
        }

        @Override
        public CompletionStage<ByteBuf> next(ByteBufAllocator alloc, int maxBytes) {
            if (!content.isReadable()) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.completedFuture(
                    content.readRetainedSlice(Math.min(maxBytes, content.readableBytes())));
        }

        @Override
        public void close() {
            content.release();
        }
    }

    /** Streams one file; completes when the backup has it in place. */
    private CompletableFuture<Void> transfer(Session s, SourceDir d, FileEntry entry, Tally tally) {
        byte[] header = new MirrorCodec.FileHeader(s.id, d.spec.id(), entry).encode();
        return s.via.stream(
                        MirrorCodec.FILE,
                        header,
                        new FileSource(d.root, entry, io),
                        settings.streamIdle())
                .thenApplyAsync(
                        o -> {
                            if (!(o instanceof Outcome.Success<byte[]>)) {
                                throw new CompletionException(
                                        new MirrorException(
                                                MirrorException.Kind.IO,
                                                "sending '" + entry.path() + "': " + o));
                            }
                            tally.transferred++;
                            tally.bytes += entry.size();
                            d.stats.transferred++;
                            d.stats.transferredBytes += entry.size();
                            return null;
                        },
                        thread);
    }

    /** Sends steps in one apply request; the backup's refusals become the tally's failures. */
    private CompletableFuture<Void> apply(Session s, SourceDir d, List<MirrorOp> ops, Tally tally) {
        return call(
                        s,
                        MirrorCodec.APPLY,
                        new MirrorCodec.ApplyRequest(s.id, d.spec.id(), ops).encode())
                .thenApplyAsync(
                        body -> {
                            var reply = decode(() -> MirrorCodec.ApplyReply.decode(body));
                            for (MirrorCodec.Failure f : reply.failures()) {
                                String path =
                                        f.index() >= 0 && f.index() < ops.size()
                                                ? ops.get(f.index()).path().toString()
                                                : "?";
                                tally.failures.add(path + ": " + f.message());
                            }
                            for (MirrorOp op : ops) {
                                if (op instanceof MirrorOp.Delete) {
                                    d.stats.deleted++;
                                }
                            }
                            return null;
                        },
                        thread);
    }

    private CompletableFuture<byte[]> call(Session s, String operation, byte[] body) {
        return s.via.request(operation, body, settings.requestTimeout())
                .thenApply(
                        o -> {
                            if (o instanceof Outcome.Success<byte[]> ok) {
                                return ok.value();
                            }
                            throw new CompletionException(
                                    new MirrorException(
                                            MirrorException.Kind.IO,
                                            operation + " to the backup: " + o));
                        });
    }

    @FunctionalInterface
    private interface Decoder<T> {
        T decode() throws MirrorException;
    }

    private static <T> T decode(Decoder<T> d) {
        try {
            return d.decode();
        } catch (MirrorException e) {
            throw new CompletionException(e);
        }
    }

    static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t.getCause() instanceof MirrorException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static String describe(Outcome<?> o, Throwable e) {
        return e != null ? message(e) : String.valueOf(o);
    }

    String nodeId() {
        return nodeId;
    }
}
