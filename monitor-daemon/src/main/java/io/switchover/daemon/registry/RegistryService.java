package io.switchover.daemon.registry;

import io.switchover.core.registry.KeyPath;
import io.switchover.core.registry.KeyValues;
import io.switchover.core.registry.Registry;
import io.switchover.core.registry.RegistryChange;
import io.switchover.core.registry.RegistryException;
import io.switchover.core.registry.RegistryServer;
import io.switchover.core.registry.Resync;
import io.switchover.core.state.Reason.Cause;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.session.RejectedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry as the daemon runs it: the core's {@link Registry} over the durable store, owned by
 * one {@link RegistryThread}, serving operators and applications ({@link RegistryOperations}),
 * replicating to the backup as primary ({@link ReplicationSource}) and from the primary as backup
 * ({@link ReplicaSession}), and keeping aside a tree that is about to be overwritten after it was
 * written as primary elsewhere.
 *
 * <p>Writes are accepted only while this node is PRIMARY and no controlled switchover is draining;
 * anywhere else they are refused with the reason and the node to write to.
 */
public final class RegistryService implements RegistryOperations, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryService.class);

    /** Meta key: how this node's tree came to be ("primary:<generation>", "replica", ...). */
    static final String META_ORIGIN = "origin";

    /** How long a caller waits for the registry thread before giving up. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /** Keys per import batch: one commit each. */
    static final int IMPORT_BATCH = 1_000;

    /** Keys per export page: read at once on the registry thread, then handed out. */
    static final int EXPORT_PAGE = 5_000;

    /** Changes a watcher may fall behind before it is closed. */
    static final int WATCH_QUEUE = 10_000;

    /**
     * Replication settings.
     *
     * @param ackTimeout how long the primary waits for the backup to acknowledge a change batch
     * @param requestTimeout how long a replication request waits for its answer
     * @param maxUnacked changes the backup may lag before its session ends (it then compares)
     * @param retryDelay first delay before a backup retries a failed session (doubles)
     * @param maxRetryDelay longest delay between retries
     * @param resync the comparison's message sizes
     */
    public record Settings(
            Duration ackTimeout,
            Duration requestTimeout,
            int maxUnacked,
            Duration retryDelay,
            Duration maxRetryDelay,
            Resync.Settings resync) {
        public static final Settings DEFAULT =
                new Settings(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        100_000,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(15),
                        // Larger replies than the core's default: each applied reply is one
                        // commit, and fewer, larger commits copy a large tree several times
                        // faster; 4 MiB still crosses a gigabit link in about 35 ms.
                        new Resync.Settings(4 << 20, Resync.Settings.DEFAULT.maxNodesPerRequest()));
    }

    private final Registry registry;
    private final AutoCloseable store;
    private final String nodeId;
    private final String peerId;
    private final KeptAside keptAside;
    private final RegistryEvents events;
    private final RegistryThread thread;
    private final RegistryServer server;
    private final ReplicationSource source;
    private final ReplicaSession replica;
    private final ExecutorService watchers;

    private final List<java.util.function.LongConsumer> propagationObservers = new ArrayList<>();
    private volatile State role = State.STARTING;
    private volatile long generation;
    private volatile boolean accepting = true;
    private volatile String storeFailure;
    private volatile long lagChanges;
    private volatile OptionalLong oldestUnackedAt = OptionalLong.empty();
    private volatile boolean sourceInSync;

    /**
     * @param store closed with the service, after the registry thread stopped
     * @param replicationConnection the connection a backup replicates over (auxiliary preferred)
     */
    public RegistryService(
            Registry registry,
            AutoCloseable store,
            String nodeId,
            String peerId,
            long generation,
            Path keptAsideDir,
            Settings settings,
            RegistryEvents events,
            Supplier<Optional<PeerConnection>> replicationConnection) {
        this.registry = registry;
        this.store = store;
        this.nodeId = nodeId;
        this.peerId = peerId;
        this.generation = generation;
        this.events = events;
        this.keptAside = new KeptAside(keptAsideDir, nodeId);
        this.thread = new RegistryThread("switchover-registry", registry::commit, this::endOfGroup);
        this.server = new RegistryServer(registry, settings.resync());
        this.source =
                new ReplicationSource(
                        thread,
                        registry,
                        events,
                        this::propagated,
                        settings.ackTimeout(),
                        settings.maxUnacked());
        this.replica =
                new ReplicaSession(
                        thread,
                        registry,
                        nodeId,
                        () -> this.generation,
                        replicationConnection,
                        settings,
                        events,
                        this::keepAsideBeforeCompare);
        this.watchers =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "switchover-registry-watch");
                            t.setDaemon(true);
                            return t;
                        });
        thread.start();
    }

    /**
     * Adds an observer of every change's propagation time (commit here to the backup's durable
     * acknowledgement), called on the registry thread; for benchmarks and diagnostics.
     */
    public void observePropagation(java.util.function.LongConsumer observer) {
        thread.execute(() -> propagationObservers.add(observer));
    }

    public void stopObservingPropagation(java.util.function.LongConsumer observer) {
        thread.execute(() -> propagationObservers.remove(observer));
    }

    /** A change the backup acknowledged, {@code nanos} after its commit here. */
    private void propagated(long nanos) {
        events.propagated(nanos);
        for (java.util.function.LongConsumer o : propagationObservers) {
            o.accept(nanos);
        }
    }

    private void endOfGroup() {
        source.flush();
        // Snapshots for metrics scrapes, which must not wait for the registry thread.
        lagChanges = role == State.PRIMARY ? registry.lastSeq() - source.ackedSeq() : 0;
        oldestUnackedAt =
                role == State.PRIMARY ? source.oldestUnackedCommit() : OptionalLong.empty();
        sourceInSync = source.inSync();
    }

    // ------------------------------------------------------------------ wiring

    /** Registers the replication requests and notifications this node answers. */
    public void register(PeerHandlers handlers) {
        handlers.request(ReplicationWire.SUBSCRIBE, this::onSubscribe);
        handlers.request(ReplicationWire.SYNCED, this::onSynced);
        handlers.request(ReplicationWire.ENDED, this::onEnded);
        for (String op :
                List.of(
                        RegistryServer.DIGESTS,
                        RegistryServer.LEAVES,
                        RegistryServer.FETCH,
                        RegistryServer.RANGE)) {
            handlers.request(op, (from, body) -> onCompare(op, body));
        }
        handlers.notifications(
                ReplicationWire.CHANGES,
                (from, seq, body, ack) ->
                        thread.submit(g -> replica.changes(from, seq, body, ack, g)));
    }

    /** The core moved: writes, the source and the replica follow the role. */
    public void onTransition(Transition t) {
        State to = t.to();
        long gen = t.generation();
        boolean handedOver =
                t.from() == State.PRIMARY
                        && to.isBackup()
                        && t.reason().cause() == Cause.MANUAL_SWITCHOVER;
        thread.execute(
                () -> {
                    role = to;
                    generation = gen;
                    if (to == State.PRIMARY) {
                        replica.unwant("this node became primary");
                        accepting = true;
                        markOrigin("primary:" + gen);
                    } else {
                        source.end("this node is no longer primary (" + to + ")", true);
                        if (handedOver) {
                            // Drained: nothing written here is missing on the new primary.
                            markOrigin("handed-over:" + gen);
                        }
                        if (to.isBackup()) {
                            replica.want();
                        } else {
                            replica.unwant("this node is " + to);
                        }
                    }
                });
    }

    private void markOrigin(String origin) {
        registry.putMeta(META_ORIGIN, origin);
        try {
            registry.commit();
        } catch (RegistryException e) {
            storeFailed(e);
        }
    }

    public void connectionEstablished() {
        thread.execute(replica::connectionUp);
    }

    public void connectionLost(PeerConnection c) {
        thread.execute(
                () -> {
                    source.connectionLost(c);
                    replica.connectionLost(c);
                });
    }

    // ------------------------------------------------------------------ peer requests

    private CompletableFuture<byte[]> onThread(RegistryCall<byte[]> call) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        thread.execute(
                () -> {
                    try {
                        f.complete(call.call());
                    } catch (RegistryException e) {
                        f.completeExceptionally(new RejectedException(e.getMessage()));
                    } catch (RuntimeException e) {
                        log.error("registry replication request failed", e);
                        f.completeExceptionally(
                                new RejectedException("internal error: " + e.getMessage()));
                    }
                });
        return f;
    }

    @FunctionalInterface
    private interface RegistryCall<T> {
        T call() throws RegistryException;
    }

    private void requirePrimaryForReplication() throws RegistryException {
        if (role != State.PRIMARY) {
            throw new RegistryException(
                    RegistryException.Kind.NOT_PRIMARY,
                    "'"
                            + nodeId
                            + "' is "
                            + role
                            + ", not primary: it has no registry to replicate");
        }
    }

    private CompletableFuture<byte[]> onSubscribe(PeerConnection from, byte[] body) {
        return onThread(
                () -> {
                    requirePrimaryForReplication();
                    var sub = ReplicationWire.Subscribe.decode(body);
                    if (!sub.nodeId().equals(peerId) || !from.peer().nodeId().equals(peerId)) {
                        throw new RegistryException(
                                RegistryException.Kind.INVALID,
                                "registry subscription from '"
                                        + sub.nodeId()
                                        + "'; this node replicates only to its peer '"
                                        + peerId
                                        + "'");
                    }
                    if (sub.generation() > generation) {
                        throw new RegistryException(
                                RegistryException.Kind.INVALID,
                                "'"
                                        + sub.nodeId()
                                        + "' holds generation "
                                        + sub.generation()
                                        + ", newer than this primary's "
                                        + generation
                                        + ": it does not replicate from an older primary");
                    }
                    long seq = source.subscribe(from, sub.nodeId());
                    return new ReplicationWire.SubscribeReply(nodeId, generation, seq).encode();
                });
    }

    private CompletableFuture<byte[]> onSynced(PeerConnection from, byte[] body) {
        return onThread(
                () -> {
                    requirePrimaryForReplication();
                    source.synced(from, ReplicationWire.Synced.decode(body).seq());
                    return new byte[0];
                });
    }

    private CompletableFuture<byte[]> onEnded(PeerConnection from, byte[] body) {
        return onThread(
                () -> {
                    replica.endedByPrimary(from, ReplicationWire.Ended.decode(body).reason());
                    return new byte[0];
                });
    }

    private CompletableFuture<byte[]> onCompare(String operation, byte[] body) {
        return onThread(
                () -> {
                    requirePrimaryForReplication();
                    return server.handle(operation, body);
                });
    }

    // ------------------------------------------------------------------ the core's port

    /** Backup: whether the comparison finished and changes flow. */
    public boolean replicaInSync() {
        return replica.inSync();
    }

    /** The core asks for a fresh comparison. */
    public void resynchronise(String why) {
        thread.execute(
                () -> {
                    if (role.isBackup() || role == State.STARTING) {
                        replica.restart(why);
                    }
                });
    }

    /** This node lost a split brain: its tree goes aside before anything overwrites it. */
    public void keepAsideDivergentWrites(long lostGeneration, String why) {
        thread.execute(
                () ->
                        keepAside(
                                "split brain lost at generation " + lostGeneration + ": " + why,
                                "gen" + lostGeneration));
    }

    public void stopAcceptingWrites() {
        accepting = false;
    }

    public void resumeAcceptingWrites() {
        accepting = true;
    }

    /** Primary, writes stopped: reports once the backup has every committed change. */
    public Runnable drain(Consumer<Boolean> drained) {
        CompletableFuture<Runnable> cancel = new CompletableFuture<>();
        thread.execute(() -> cancel.complete(source.drain(drained)));
        return () -> cancel.thenAccept(Runnable::run);
    }

    private void keepAsideBeforeCompare(String primary) {
        String origin = registry.meta(META_ORIGIN);
        if (origin != null && origin.startsWith("primary:")) {
            keepAside(
                    "this node wrote as primary ("
                            + origin
                            + ") and its tree differs from the primary '"
                            + primary
                            + "''s",
                    origin.replace("primary:", "gen"));
        }
    }

    /** Exports the whole tree aside (on the registry thread, so it is one consistent view). */
    private void keepAside(String why, String label) {
        try {
            Path file = keptAside.export(registry, label, generation, why);
            registry.putMeta(META_ORIGIN, "kept-aside:" + label);
            registry.commit();
            log.warn("registry tree kept aside in {} ({})", file, why);
            events.keptAside(file, why);
        } catch (RegistryException | RuntimeException e) {
            log.error("could not keep the registry tree aside ({}): {}", why, e.getMessage());
        }
    }

    private void storeFailed(RegistryException e) {
        storeFailure = e.getMessage();
        log.error("registry store failed; writes are refused until a restart: {}", e.getMessage());
    }

    // ------------------------------------------------------------------ operations

    private <T> T call(RegistryCall<T> c) throws RegistryException {
        CompletableFuture<T> f = new CompletableFuture<>();
        thread.execute(
                () -> {
                    try {
                        f.complete(c.call());
                    } catch (RegistryException | RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                });
        return await(f);
    }

    private static <T> T await(CompletableFuture<T> f) throws RegistryException {
        try {
            return f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted");
        } catch (TimeoutException e) {
            throw new RegistryException(
                    RegistryException.Kind.UNAVAILABLE,
                    "the registry did not answer within " + CALL_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RegistryException r) {
                throw r;
            }
            throw new RegistryException(
                    RegistryException.Kind.UNAVAILABLE,
                    "registry failure: " + e.getCause(),
                    e.getCause());
        }
    }

    @Override
    public Optional<SortedMap<String, String>> get(String key) throws RegistryException {
        KeyPath path = registry.path(key);
        return call(() -> registry.get(path));
    }

    @Override
    public List<String> list(String key) throws RegistryException {
        KeyPath path = registry.path(key);
        return call(() -> registry.children(path));
    }

    @Override
    public RegistryChange put(String key, Map<String, String> values) throws RegistryException {
        KeyPath path = registry.path(key);
        Map<String, String> copy = new LinkedHashMap<>(values);
        return write(r -> r.put(path, copy));
    }

    @Override
    public RegistryChange deleteValue(String key, String name) throws RegistryException {
        KeyPath path = registry.path(key);
        return write(r -> r.deleteValue(path, name));
    }

    @Override
    public RegistryChange deleteKey(String key) throws RegistryException {
        KeyPath path = registry.path(key);
        return write(r -> r.deleteKey(path));
    }

    @FunctionalInterface
    private interface Write {
        RegistryChange apply(Registry registry) throws RegistryException;
    }

    private RegistryChange write(Write w) throws RegistryException {
        CompletableFuture<RegistryChange> f = new CompletableFuture<>();
        thread.submit(
                g -> {
                    try {
                        requireWritable();
                        RegistryChange change = w.apply(registry);
                        g.wrote();
                        g.afterCommit(
                                () -> {
                                    source.committed(change);
                                    f.complete(change);
                                },
                                e -> {
                                    storeFailed(e);
                                    f.completeExceptionally(e);
                                });
                    } catch (RegistryException | RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                });
        return await(f);
    }

    /** Whether a write may be made now; otherwise why not, naming where to write. */
    private void requireWritable() throws RegistryException {
        if (storeFailure != null) {
            throw new RegistryException(
                    RegistryException.Kind.UNAVAILABLE,
                    "the registry store failed ("
                            + storeFailure
                            + "); writes are refused until switchoverd is restarted");
        }
        State r = role;
        if (r != State.PRIMARY) {
            String where =
                    r.isBackup()
                            ? "the primary is '" + peerId + "': write there"
                            : "no primary is known to this node";
            throw new RegistryException(
                    RegistryException.Kind.NOT_PRIMARY,
                    "'" + nodeId + "' is " + r + " and does not accept writes; " + where);
        }
        if (!accepting) {
            throw new RegistryException(
                    RegistryException.Kind.UNAVAILABLE,
                    "'"
                            + nodeId
                            + "' is handing over to '"
                            + peerId
                            + "' (controlled switchover): writes are refused until it completes;"
                            + " retry against the new primary");
        }
    }

    @Override
    public void export(String subtree, Consumer<KeyValues> out) throws RegistryException {
        KeyPath path = registry.path(subtree);
        Optional<KeyPath> after = Optional.empty();
        do {
            Optional<KeyPath> from = after;
            List<KeyValues> page = new ArrayList<>(EXPORT_PAGE);
            after = call(() -> registry.exportPage(path, from, EXPORT_PAGE, page::add));
            // Handed out here, off the registry thread: a slow reader holds up no write.
            page.forEach(out);
        } while (after.isPresent());
    }

    @Override
    public long importKeys(Iterator<KeyValues> keys) throws RegistryException {
        long written = 0;
        long taken = 0;
        List<KeyValues> batch = new ArrayList<>(IMPORT_BATCH);
        // Keys are taken here, on the caller's thread (the iterator may wait on the network), and
        // each is checked before the next is taken, so an error names the key just read.
        while (keys.hasNext()) {
            KeyValues kv = keys.next();
            taken++;
            try {
                registry.checkPut(kv.key(), kv.values());
            } catch (RegistryException e) {
                written += importBatch(batch, taken - batch.size());
                throw new RegistryException(
                        e.kind(), "key " + taken + " (" + kv.key() + "): " + e.getMessage());
            }
            batch.add(kv);
            if (batch.size() == IMPORT_BATCH) {
                written += importBatch(batch, taken - batch.size());
            }
        }
        return written + importBatch(batch, taken - batch.size());
    }

    /** Writes a batch as one group (one commit); {@code before} keys were taken before it. */
    private long importBatch(List<KeyValues> batch, long before) throws RegistryException {
        if (batch.isEmpty()) {
            return 0;
        }
        List<KeyValues> keys = List.copyOf(batch);
        batch.clear();
        CompletableFuture<Integer> f = new CompletableFuture<>();
        thread.submit(
                g -> {
                    try {
                        requireWritable();
                    } catch (RegistryException e) {
                        f.completeExceptionally(e); // names the primary: passed on as is
                        return;
                    }
                    int done = 0;
                    RegistryException failure = null;
                    try {
                        for (KeyValues kv : keys) {
                            RegistryChange change = registry.put(kv.key(), kv.values());
                            done++;
                            g.afterCommit(() -> source.committed(change), e -> {});
                        }
                    } catch (RegistryException e) {
                        failure =
                                new RegistryException(
                                        e.kind(),
                                        "key "
                                                + (before + done + 1)
                                                + " ("
                                                + keys.get(done).key()
                                                + "): "
                                                + e.getMessage());
                    }
                    if (done == 0) {
                        f.completeExceptionally(failure);
                        return;
                    }
                    int n = done;
                    RegistryException failed = failure;
                    g.wrote();
                    g.afterCommit(
                            () -> {
                                if (failed == null) {
                                    f.complete(n);
                                } else {
                                    f.completeExceptionally(failed);
                                }
                            },
                            e -> {
                                storeFailed(e);
                                f.completeExceptionally(e);
                            });
                });
        return await(f);
    }

    @Override
    public Watch watch(String subtree, Consumer<RegistryChange> onChange, Consumer<String> onClosed)
            throws RegistryException {
        KeyPath path = registry.path(subtree);
        RegistryWatch w = new RegistryWatch(path, onChange, onClosed, watchers, WATCH_QUEUE);
        call(
                () -> {
                    registry.addWatcher(w);
                    return null;
                });
        w.onClose(() -> thread.execute(() -> registry.removeWatcher(w)));
        return w;
    }

    // ------------------------------------------------------------------ status

    /** The registry's part of /status. */
    public Map<String, Object> status() {
        Map<String, Object> out;
        try {
            out =
                    call(
                            () -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("keys", registry.keyCount());
                                m.put("seq", registry.lastSeq());
                                m.put("origin", String.valueOf(registry.meta(META_ORIGIN)));
                                if (role == State.PRIMARY) {
                                    m.put("role", "source");
                                    m.put("backup", source.backup());
                                    m.put("backupInSync", source.inSync());
                                    m.put("acknowledgedSeq", source.ackedSeq());
                                    m.put("lagChanges", registry.lastSeq() - source.ackedSeq());
                                    m.put("lagMillis", source.oldestUnackedNanos() / 1_000_000);
                                    m.put("acceptingWrites", accepting && storeFailure == null);
                                } else {
                                    m.put("role", "replica");
                                    m.put("phase", replica.phase().name());
                                    m.put("inSync", replica.inSync());
                                    m.put("primary", replica.primary());
                                    m.put("lastSessionEnd", replica.lastEnd());
                                    Resync.Result r = replica.lastResult();
                                    if (r != null) {
                                        Map<String, Object> last = new LinkedHashMap<>();
                                        last.put("complete", r.complete());
                                        last.put("detail", r.detail());
                                        last.put("messages", r.stats().messages());
                                        last.put(
                                                "bytes",
                                                r.stats().bytesSent() + r.stats().bytesReceived());
                                        last.put("entriesWritten", r.stats().entriesWritten());
                                        last.put("entriesRemoved", r.stats().entriesRemoved());
                                        m.put("lastComparison", last);
                                    }
                                }
                                return m;
                            });
        } catch (RegistryException e) {
            out = new LinkedHashMap<>();
            out.put("error", e.getMessage());
        }
        if (storeFailure != null) {
            out.put("storeFailure", storeFailure);
        }
        out.put("keptAside", keptAside.files());
        return out;
    }

    /** Changes committed here that the backup has not acknowledged (primary), else 0. */
    public double lagChanges() {
        return lagChanges;
    }

    /**
     * Seconds since the oldest change the backup has not acknowledged was committed (primary), else
     * 0. Which change is oldest is as of the registry thread's last group.
     */
    public double lagSeconds() {
        OptionalLong at = oldestUnackedAt;
        return at.isPresent() ? (System.nanoTime() - at.getAsLong()) / 1e9 : 0;
    }

    /** Primary: the backup is comparing done and receiving changes. Backup: it is in sync. */
    public boolean inSyncForMetrics() {
        return role == State.PRIMARY ? sourceInSync : replica.inSync();
    }

    @Override
    public void close() {
        thread.execute(
                () -> {
                    source.end("switchoverd is shutting down", true);
                    replica.unwant("switchoverd is shutting down");
                });
        thread.stop(Duration.ofSeconds(10));
        watchers.shutdownNow();
        try {
            store.close();
        } catch (Exception e) {
            log.warn("closing the registry store failed: {}", e.toString());
        }
    }
}
