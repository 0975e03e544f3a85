package io.switchover.daemon.mirror;

import io.switchover.core.mirror.Coalescer;
import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.Glob;
import io.switchover.core.mirror.MirrorCodec;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorPath;
import io.switchover.core.state.Reason.Cause;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.daemon.config.DaemonConfig;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.session.RejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directory mirroring as the daemon runs it. As primary it watches the continuous directories,
 * coalesces their events and serves the backup's session ({@link MirrorSource}); as backup it keeps
 * a session with the primary and applies what comes ({@link MirrorReplica}). Roles follow the
 * core's transitions; watches run only while primary, and are in place before any session can
 * compare, so a change made during a comparison is shipped after it.
 */
public final class MirrorService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorService.class);

    /** How often a primary looks again for a continuous directory that is missing. */
    private static final Duration MISSING_ROOT_CHECK = Duration.ofSeconds(5);

    private final DaemonConfig.Mirror config;
    private final String nodeId;
    private final MirrorThread thread;
    private final ExecutorService io;
    private final Coalescer coalescer;
    private final MirrorSource source;
    private final MirrorReplica replica;
    private final MirrorOrigin origin;
    private final MirrorEvents events;
    private final Map<String, DirectoryWatch> watches = new LinkedHashMap<>();
    private final Map<String, String> watchProblems = new LinkedHashMap<>();
    private io.switchover.core.time.Cancellable missingCheck = () -> {};

    private volatile State role = State.STARTING;
    private volatile long generation;
    private volatile boolean handingOver;

    /**
     * @param dataDir this node's {@code <data-dir>/mirror}: origin marker and kept-aside files
     * @param connection the connection a backup mirrors over (auxiliary preferred)
     */
    public MirrorService(
            DaemonConfig.Mirror config,
            String nodeId,
            long generation,
            Path dataDir,
            Duration requestTimeout,
            MirrorEvents events,
            Supplier<Optional<PeerConnection>> connection) {
        this.config = config;
        this.nodeId = nodeId;
        this.generation = generation;
        this.events = events;
        this.thread = new MirrorThread("switchover-mirror");
        int threads = Math.max(2, config.transfers() + 1);
        this.io =
                Executors.newFixedThreadPool(
                        threads,
                        r -> {
                            Thread t = new Thread(r, "switchover-mirror-io");
                            t.setDaemon(true);
                            return t;
                        });
        this.origin = new MirrorOrigin(dataDir.resolve("origin"));
        List<MirrorSource.SourceDir> dirs = new ArrayList<>();
        for (DirectorySpec spec : config.directories()) {
            dirs.add(new MirrorSource.SourceDir(spec, globs(spec)));
        }
        this.source =
                new MirrorSource(
                        nodeId,
                        dirs,
                        thread,
                        io,
                        new MirrorSource.Settings(
                                config.transfers(),
                                requestTimeout,
                                Duration.ofSeconds(60),
                                Duration.ofSeconds(1)),
                        events);
        this.replica =
                new MirrorReplica(
                        nodeId,
                        () -> this.generation,
                        config.directories(),
                        thread,
                        io,
                        connection,
                        new MirrorReplica.Settings(
                                requestTimeout, Duration.ofMillis(500), Duration.ofSeconds(15)),
                        events,
                        origin,
                        dataDir.resolve("kept-aside"));
        this.coalescer =
                new Coalescer(
                        System::nanoTime,
                        thread,
                        config.quietPeriod(),
                        config.maxDelay(),
                        source::ready);
    }

    private static List<Glob> globs(DirectorySpec spec) {
        List<Glob> out = new ArrayList<>();
        for (String p : spec.excludes()) {
            out.add(Glob.compile(p)); // Validated with the configuration.
        }
        return out;
    }

    /** Registers the mirroring requests and the file stream this node answers. */
    public void register(PeerHandlers handlers) {
        handlers.request(MirrorCodec.SUBSCRIBE, this::onSubscribe);
        handlers.request(MirrorCodec.LIST, replica::onList);
        handlers.request(MirrorCodec.HASH, replica::onHash);
        handlers.request(MirrorCodec.APPLY, replica::onApply);
        handlers.request(MirrorCodec.SYNCED, replica::onSynced);
        handlers.request(MirrorCodec.ENDED, this::onEnded);
        handlers.streams(MirrorCodec.FILE, replica::openFile);
        handlers.streams(MirrorCodec.FILES, replica::openFiles);
    }

    private CompletableFuture<byte[]> onSubscribe(PeerConnection from, byte[] body) {
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        thread.execute(
                () -> {
                    try {
                        MirrorCodec.Subscribe sub = MirrorCodec.Subscribe.decode(body);
                        if (role != State.PRIMARY) {
                            throw new RejectedException(
                                    "'"
                                            + nodeId
                                            + "' is "
                                            + role
                                            + ", not primary: it has no directories to mirror");
                        }
                        if (!sub.node().equals(from.peer().nodeId())) {
                            throw new RejectedException(
                                    "mirroring subscription names '"
                                            + sub.node()
                                            + "' but comes from '"
                                            + from.peer().nodeId()
                                            + "'");
                        }
                        if (sub.generation() > generation) {
                            throw new RejectedException(
                                    "'"
                                            + sub.node()
                                            + "' holds generation "
                                            + sub.generation()
                                            + ", newer than this primary's "
                                            + generation
                                            + ": it does not mirror from an older primary");
                        }
                        long id = source.subscribe(from, sub);
                        out.complete(
                                new MirrorCodec.SubscribeReply(nodeId, generation, id).encode());
                    } catch (MirrorException e) {
                        out.completeExceptionally(new RejectedException(e.getMessage()));
                    } catch (RejectedException e) {
                        out.completeExceptionally(e);
                    }
                });
        return out;
    }

    private CompletableFuture<byte[]> onEnded(PeerConnection from, byte[] body) {
        if (role == State.PRIMARY) {
            CompletableFuture<byte[]> out = new CompletableFuture<>();
            thread.execute(
                    () -> {
                        try {
                            source.endedByBackup(from, MirrorCodec.Ended.decode(body));
                        } catch (MirrorException e) {
                            log.debug("malformed mirror.ended from the backup: {}", e.getMessage());
                        }
                        out.complete(new byte[0]);
                    });
            return out;
        }
        return replica.onEnded(from, body);
    }

    // ------------------------------------------------------------------ roles and connections

    /** The core moved: watches, the source and the replica follow the role. */
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
                    handingOver = false;
                    if (to == State.PRIMARY) {
                        replica.unwant("this node became primary");
                        recordOrigin("primary:" + gen);
                        startWatches();
                    } else {
                        stopWatches();
                        source.end("this node is no longer primary (" + to + ")", true);
                        if (handedOver) {
                            recordOrigin("handed-over:" + gen);
                        }
                        if (to.isBackup()) {
                            replica.want();
                        } else {
                            replica.unwant("this node is " + to);
                        }
                    }
                });
    }

    private void recordOrigin(String value) {
        io.execute(
                () -> {
                    try {
                        origin.write(value);
                    } catch (IOException e) {
                        log.warn(
                                "could not record the mirror's origin ({}): {}",
                                value,
                                e.toString());
                    }
                });
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

    // ------------------------------------------------------------------ watches (primary)

    private void startWatches() {
        missingCheck.cancel();
        boolean missing = false;
        for (MirrorSource.SourceDir d : source.directories()) {
            if (d.spec.mode() != DirectorySpec.Mode.CONTINUOUS
                    || watches.containsKey(d.spec.id())) {
                continue;
            }
            String id = d.spec.id();
            if (!Files.isDirectory(d.root)) {
                missing = true;
                String why = "source directory " + d.spec.source() + " is missing; not watched yet";
                if (!why.equals(watchProblems.put(id, why))) {
                    log.warn("mirror: {}", why);
                    d.stats.failed(why);
                }
                continue;
            }
            try {
                DirectoryWatch w =
                        DirectoryWatch.start(
                                d.root,
                                d.spec.recursive(),
                                new DirectoryWatch.Listener() {
                                    @Override
                                    public void changed(MirrorPath path) {
                                        thread.execute(() -> touched(d, path));
                                    }

                                    @Override
                                    public void overflowed(String why) {
                                        thread.execute(
                                                () -> {
                                                    log.warn(
                                                            "mirror {}: watch lost events ({});"
                                                                    + " comparing the whole"
                                                                    + " directory",
                                                            d.spec.source(),
                                                            why);
                                                    if (role == State.PRIMARY) {
                                                        coalescer.overflowed(id);
                                                    }
                                                });
                                    }
                                });
                watches.put(id, w);
                if (watchProblems.remove(id) != null) {
                    // It appeared: compare it as a whole, since nothing of it was shipped yet.
                    coalescer.overflowed(id);
                }
            } catch (IOException | RuntimeException e) {
                missing = true;
                String why = "cannot watch " + d.spec.source() + ": " + e.getMessage();
                watchProblems.put(id, why);
                d.stats.failed(why);
                log.warn("mirror: {}", why);
            }
        }
        if (missing) {
            missingCheck =
                    thread.schedule(
                            MISSING_ROOT_CHECK,
                            () -> {
                                if (role == State.PRIMARY) {
                                    startWatches();
                                }
                            });
        }
    }

    private void touched(MirrorSource.SourceDir d, MirrorPath path) {
        if (role != State.PRIMARY) {
            return;
        }
        coalescer.touched(d.spec.id(), path);
    }

    private void stopWatches() {
        missingCheck.cancel();
        watches.values().forEach(DirectoryWatch::close);
        watches.clear();
        watchProblems.clear();
        coalescer.clear();
    }

    // ------------------------------------------------------------------ the core's port

    /** Backup: whether every directory was compared and changes flow. */
    public boolean isInSync() {
        return !configured() || replica.inSync();
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

    /**
     * This node lost a split brain: what it wrote as primary is kept aside before it is replaced.
     */
    public void keepAsideDivergentWrites(long lostGeneration, String why) {
        thread.execute(
                () -> {
                    if (!origin.wasPrimary()) {
                        recordOrigin("primary:" + lostGeneration);
                    }
                    log.warn(
                            "mirror: split brain lost at generation {} ({}); files the next"
                                    + " comparison replaces are kept aside",
                            lostGeneration,
                            why);
                });
    }

    /** Files cannot be held back from writers; handing over is recorded for status only. */
    public void stopAcceptingWrites() {
        handingOver = true;
    }

    public void resumeAcceptingWrites() {
        handingOver = false;
    }

    /** Primary, handing over: reports once every change noticed so far is on the backup. */
    public Runnable drain(Consumer<Boolean> drained) {
        if (!configured()) {
            drained.accept(true);
            return () -> {};
        }
        CompletableFuture<Runnable> cancel = new CompletableFuture<>();
        thread.execute(() -> cancel.complete(source.drain(coalescer, drained)));
        return () -> cancel.thenAccept(c -> thread.execute(c));
    }

    // ------------------------------------------------------------------ status and metrics

    /** Whether any directory is configured. */
    public boolean configured() {
        return !config.directories().isEmpty();
    }

    /** The mirror's part of /status. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        State r = role;
        List<Map<String, Object>> dirs = new ArrayList<>();
        if (r == State.PRIMARY) {
            m.put("role", "source");
            m.put("backup", source.backup().orElse("none"));
            m.put("backupInSync", source.inSync());
            if (handingOver) {
                m.put("handingOver", true);
            }
            for (MirrorSource.SourceDir d : source.directories()) {
                dirs.add(d.stats.toMap());
            }
        } else {
            m.put("role", "replica");
            m.put("phase", replica.phase().name());
            m.put("inSync", replica.inSync());
            m.put("primary", replica.primary().orElse("none"));
            m.put("lastSessionEnd", replica.lastEnd());
            for (MirrorReplica.TargetDir d : replica.directories()) {
                dirs.add(d.stats.toMap());
            }
        }
        m.put("origin", origin.read());
        m.put("securityEvents", replica.securityEvents());
        m.put("directories", dirs);
        return m;
    }

    /** Per directory (its path on this node), its figures in this node's current role. */
    public Map<String, DirectoryFigures> figures() {
        Map<String, DirectoryFigures> out = new LinkedHashMap<>();
        if (role == State.PRIMARY) {
            for (MirrorSource.SourceDir d : source.directories()) {
                out.put(d.spec.source(), figures(d.stats));
            }
        } else {
            for (MirrorReplica.TargetDir d : replica.directories()) {
                out.put(d.spec.source(), figures(d.stats));
            }
        }
        return out;
    }

    private static DirectoryFigures figures(DirectoryStats s) {
        return new DirectoryFigures(
                s.files,
                s.bytes,
                s.pending,
                s.lastSync == null ? -1 : s.lastSync.toEpochMilli() / 1000.0,
                s.errors);
    }

    /**
     * One directory's figures for metrics.
     *
     * @param lastSyncEpochSeconds when it was last known in sync, or -1 if never
     */
    public record DirectoryFigures(
            long files, long bytes, int pending, double lastSyncEpochSeconds, long errors) {}

    /** Security events (refused steps from the peer) since start. */
    public long securityEvents() {
        return replica.securityEvents();
    }

    /** The configured directories, in configuration order. */
    public List<DirectorySpec> directories() {
        return config.directories();
    }

    @Override
    public void close() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        thread.execute(
                () -> {
                    stopWatches();
                    source.end("switchoverd is shutting down", true);
                    replica.unwant("switchoverd is shutting down");
                    stopped.complete(null);
                });
        try {
            stopped.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("mirror did not stop cleanly: {}", e.toString());
        }
        thread.close();
        io.shutdownNow();
    }
}
