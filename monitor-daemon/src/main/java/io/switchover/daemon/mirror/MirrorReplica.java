package io.switchover.daemon.mirror;

import io.netty.buffer.ByteBuf;
import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.EntryType;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.Glob;
import io.switchover.core.mirror.MirrorCodec;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorOp;
import io.switchover.core.mirror.MirrorPath;
import io.switchover.core.time.Cancellable;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.RejectedException;
import io.switchover.notifier.session.StreamReceiver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup's side of directory mirroring. While this node is a backup it keeps one session with
 * the primary: it subscribes (naming the directories it is configured to receive), answers the
 * primary's listings and hash requests, applies its steps and receives its files into the
 * configured directories, and is in sync once the primary says every directory was compared. Any
 * failure ends the session; a new one starts after a growing delay and compares everything again,
 * so a backup that was away catches up completely.
 *
 * <p>Everything the peer sends is checked before it touches the disk: the directory must be one of
 * this node's own, paths are {@link MirrorPath}s, and {@link TargetRoot} never follows a link. A
 * step that would reach outside is refused and reported as a security event.
 *
 * <p>State is confined to the mirror thread; handlers arrive on the connection's event loop and hop
 * there, file I/O runs on the I/O pool.
 */
final class MirrorReplica {
    private static final Logger log = LoggerFactory.getLogger(MirrorReplica.class);
    private static final Logger security = LoggerFactory.getLogger("switchover.security");

    /** The file time a listing gives when this node cannot vouch for its files' times. */
    private static final long UNVOUCHED_TIME = Long.MIN_VALUE;

    enum Phase {
        IDLE,
        SUBSCRIBING,
        COMPARING,
        SYNCED
    }

    /** Settings of the replica. */
    record Settings(Duration requestTimeout, Duration retryDelay, Duration maxRetryDelay) {}

    /** A directory this node receives as backup: its own source path, where files land. */
    static final class TargetDir {
        final DirectorySpec spec;
        final DirectoryStats stats;
        final CompletableFuture<TargetRoot> root;

        TargetDir(DirectorySpec spec, CompletableFuture<TargetRoot> root) {
            this.spec = spec;
            this.stats = new DirectoryStats(spec);
            this.root = root;
        }
    }

    private final String nodeId;
    private final LongSupplier generation;
    private final Map<String, TargetDir> dirs = new LinkedHashMap<>();
    private final MirrorThread thread;
    private final Executor io;
    private final Supplier<Optional<PeerConnection>> connection;
    private final Settings settings;
    private final MirrorEvents events;
    private final MirrorOrigin origin;
    private final Path keptAsideRoot;

    private boolean wanted;
    private volatile Phase phase = Phase.IDLE;
    private volatile PeerConnection current;
    private volatile long session = -1;
    private String primary;
    private int failures;
    private Cancellable retry;
    private String lastEnd = "not started";
    private Path keepingAside;
    private volatile long securityEvents;

    MirrorReplica(
            String nodeId,
            LongSupplier generation,
            List<DirectorySpec> specs,
            MirrorThread thread,
            Executor io,
            Supplier<Optional<PeerConnection>> connection,
            Settings settings,
            MirrorEvents events,
            MirrorOrigin origin,
            Path keptAsideRoot) {
        this.nodeId = nodeId;
        this.generation = generation;
        this.thread = thread;
        this.io = io;
        this.connection = connection;
        this.settings = settings;
        this.events = events;
        this.origin = origin;
        this.keptAsideRoot = keptAsideRoot;
        for (DirectorySpec spec : specs) {
            // Opened lazily on the I/O pool, once: creates a missing directory, clears partial
            // files an earlier run left behind.
            CompletableFuture<TargetRoot> root = new CompletableFuture<>();
            dirs.put(spec.source(), new TargetDir(spec, root));
        }
    }

    Iterable<TargetDir> directories() {
        return dirs.values();
    }

    private CompletableFuture<TargetRoot> root(TargetDir d) {
        if (!d.root.isDone()) {
            io.execute(
                    () -> {
                        if (d.root.isDone()) {
                            return;
                        }
                        try {
                            TargetRoot r = new TargetRoot(Path.of(d.spec.source()));
                            int partials = r.removePartials();
                            if (partials > 0) {
                                log.info(
                                        "mirror {}: removed {} partial files left by an earlier"
                                                + " run",
                                        d.spec.source(),
                                        partials);
                            }
                            d.root.complete(r);
                        } catch (MirrorException | RuntimeException e) {
                            d.root.completeExceptionally(e);
                        }
                    });
        }
        return d.root;
    }

    // ------------------------------------------------------------------ session lifecycle

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
        end(why, false, true);
    }

    /** Starts over with a comparison. */
    void restart(String why) {
        if (phase == Phase.SUBSCRIBING || phase == Phase.COMPARING) {
            PeerConnection c = current;
            if (c != null && c.isOpen()) {
                return; // A comparison is starting or running: it is the one asked for.
            }
        }
        end("re-synchronisation requested: " + why, false, true);
        cancelRetry();
        if (wanted) {
            start();
        }
    }

    void connectionUp() {
        if (wanted && phase == Phase.IDLE) {
            cancelRetry();
            start();
        }
    }

    void connectionLost(PeerConnection c) {
        if (c == current) {
            end("the connection to the primary was lost", true, false);
        }
    }

    private void start() {
        Optional<PeerConnection> c = connection.get();
        if (c.isEmpty()) {
            lastEnd = "no connection to the primary";
            scheduleRetry();
            return;
        }
        PeerConnection via = c.get();
        current = via;
        session = -1;
        phase = Phase.SUBSCRIBING;
        // As configured: '+' in front of a directory mirrored with its subdirectories, so the
        // primary can tell a configuration that differs from its own before it sends anything.
        List<String> mine = new ArrayList<>();
        for (TargetDir d : dirs.values()) {
            mine.add((d.spec.recursive() ? "+" : "") + d.spec.source());
        }
        var subscribe = new MirrorCodec.Subscribe(nodeId, generation.getAsLong(), mine);
        via.request(MirrorCodec.SUBSCRIBE, subscribe.encode(), settings.requestTimeout())
                .whenComplete((o, e) -> thread.execute(() -> subscribed(via, o, e)));
    }

    private void subscribed(PeerConnection via, Outcome<byte[]> o, Throwable e) {
        if (via != current || phase != Phase.SUBSCRIBING) {
            return;
        }
        if (e != null || !(o instanceof Outcome.Success<byte[]> ok)) {
            end(
                    "the primary did not accept the subscription: "
                            + (e != null ? MirrorSource.message(e) : String.valueOf(o)),
                    true,
                    false);
            return;
        }
        MirrorCodec.SubscribeReply reply;
        try {
            reply = MirrorCodec.SubscribeReply.decode(ok.value());
        } catch (MirrorException x) {
            end("the primary's subscription reply is malformed: " + x.getMessage(), true, false);
            return;
        }
        adopt(reply.session());
        primary = reply.node();
        log.info(
                "mirroring from '{}' (generation {}): session {}, comparing {} directories",
                primary,
                reply.generation(),
                reply.session(),
                dirs.size());
        events.sessionStarted("replica", primary);
    }

    /** The session's number is known (from the reply, or from the primary's first request). */
    private void adopt(long id) {
        if (session == id) {
            return;
        }
        session = id;
        phase = Phase.COMPARING;
        if (origin.wasPrimary()) {
            keepAside();
        }
    }

    /**
     * This node wrote as primary: from now until the comparison ends, what it replaces or deletes
     * is kept aside first.
     */
    private void keepAside() {
        String label =
                origin.read().replace("primary:", "gen")
                        + "-"
                        + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                                .withZone(ZoneOffset.UTC)
                                .format(Instant.now());
        keepingAside = keptAsideRoot.resolve(label);
        for (TargetDir d : dirs.values()) {
            Path into = keepingAside.resolve(sanitize(d.spec.source()));
            root(d).thenAccept(r -> r.keepAsideInto(Optional.of(into)));
        }
        log.warn(
                "mirror: this node wrote as primary ({}); files the comparison replaces or deletes"
                        + " are kept aside in {}",
                origin.read(),
                keepingAside);
    }

    private static String sanitize(String path) {
        String s = path.replace('/', '_');
        return s.startsWith("_") ? s.substring(1) : s;
    }

    private void synced(long id) {
        phase = Phase.SYNCED;
        failures = 0;
        lastEnd = "in sync";
        log.info("mirroring from '{}': every directory compared; in sync", primary);
        Path kept = keepingAside;
        keepingAside = null;
        io.execute(
                () -> {
                    try {
                        origin.write("replica");
                    } catch (IOException e) {
                        log.warn("could not record the mirror's origin: {}", e.toString());
                    }
                });
        Instant now = Instant.now();
        for (TargetDir d : dirs.values()) {
            d.stats.lastSync = now;
            root(d).thenAcceptAsync(
                            r -> {
                                if (kept != null) {
                                    r.keepAsideInto(Optional.empty());
                                }
                                count(d, r);
                            },
                            io);
        }
        if (kept != null) {
            io.execute(() -> reportKeptAside(kept));
        }
    }

    /** Counts a directory's files and bytes for status, on the I/O pool. */
    private void count(TargetDir d, TargetRoot r) {
        try {
            List<Glob> excludes = globs(d.spec.excludes());
            LocalTree.Page page =
                    LocalTree.list(
                            r.root(),
                            MirrorPath.ROOT,
                            d.spec.recursive(),
                            excludes,
                            MirrorPath.ROOT,
                            Integer.MAX_VALUE,
                            why -> {});
            long files = 0;
            long bytes = 0;
            for (FileEntry e : page.entries()) {
                if (e.type() == EntryType.FILE) {
                    files++;
                    bytes += e.size();
                }
            }
            d.stats.files = files;
            d.stats.bytes = bytes;
        } catch (MirrorException | RuntimeException e) {
            d.stats.failed("counting files: " + e.getMessage());
        }
    }

    private void reportKeptAside(Path kept) {
        boolean any;
        try (Stream<Path> s = Files.walk(kept)) {
            any = s.anyMatch(Files::isRegularFile) || hasLinks(kept);
        } catch (IOException e) {
            any = false;
        }
        if (any) {
            String why =
                    "this node wrote as primary and its mirrored files differed from the primary"
                            + " '"
                            + primary
                            + "''s";
            log.warn("mirrored files kept aside in {}: {}", kept, why);
            thread.execute(() -> events.keptAside(kept, why));
        } else {
            deleteEmpty(kept);
        }
    }

    private static boolean hasLinks(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(Files::isSymbolicLink);
        }
    }

    private static void deleteEmpty(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // Not empty after all: it stays.
                                }
                            });
        } catch (IOException ignored) {
            // Nothing was kept aside there.
        }
    }

    private void end(String why, boolean retryLater, boolean tell) {
        Phase was = phase;
        PeerConnection via = current;
        long id = session;
        phase = Phase.IDLE;
        current = null;
        session = -1;
        if (was == Phase.IDLE) {
            return;
        }
        lastEnd = why;
        if (tell && via != null && via.isOpen() && id >= 0) {
            via.request(
                    MirrorCodec.ENDED,
                    new MirrorCodec.Ended(id, why).encode(),
                    settings.requestTimeout());
        }
        if (was != Phase.SUBSCRIBING) {
            log.info("mirroring from '{}' ended: {}", primary, why);
            events.sessionEnded("replica", String.valueOf(primary), why);
        }
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
            retry.cancel();
            retry = null;
        }
    }

    boolean inSync() {
        return phase == Phase.SYNCED;
    }

    Phase phase() {
        return phase;
    }

    String lastEnd() {
        return lastEnd;
    }

    Optional<String> primary() {
        return Optional.ofNullable(primary);
    }

    long securityEvents() {
        return securityEvents;
    }

    // ------------------------------------------------------------------ the primary's requests

    /**
     * Runs {@code work} for a request of session {@code id} from {@code from}, if it is current.
     */
    private <T> CompletableFuture<T> inSession(
            PeerConnection from,
            long id,
            java.util.function.Function<Void, CompletionStage<T>> work) {
        CompletableFuture<T> out = new CompletableFuture<>();
        thread.execute(
                () -> {
                    if (from != current || phase == Phase.IDLE) {
                        out.completeExceptionally(
                                new RejectedException(
                                        "'"
                                                + nodeId
                                                + "' has no mirroring session on this connection"));
                        return;
                    }
                    if (phase == Phase.SUBSCRIBING) {
                        adopt(id); // The request overtook the subscription's reply.
                    } else if (id != session) {
                        out.completeExceptionally(
                                new RejectedException(
                                        "mirroring session "
                                                + id
                                                + " is over; the current one is "
                                                + session));
                        return;
                    }
                    work.apply(null)
                            .whenComplete(
                                    (v, e) -> {
                                        if (e == null) {
                                            out.complete(v);
                                        } else {
                                            out.completeExceptionally(
                                                    new RejectedException(MirrorSource.message(e)));
                                        }
                                    });
                });
        return out;
    }

    private TargetDir dir(String id, String peer) throws MirrorException {
        TargetDir d = dirs.get(id);
        if (d == null) {
            throw new MirrorException(
                    MirrorException.Kind.NOT_CONFIGURED,
                    id
                            + " is not a mirrored directory on '"
                            + nodeId
                            + "' (the primary '"
                            + peer
                            + "' names it); configure it in this node's mirror section");
        }
        return d;
    }

    /** Decodes a message; an unsafe path in it is a security event. */
    private <T> T decode(PeerConnection from, String what, Decoder<T> decoder)
            throws RejectedException {
        try {
            return decoder.decode();
        } catch (MirrorException e) {
            if (e.kind() == MirrorException.Kind.UNSAFE) {
                securityEvent("?", from, what + ": " + e.getMessage());
            }
            throw new RejectedException(what + ": " + e.getMessage());
        }
    }

    @FunctionalInterface
    interface Decoder<T> {
        T decode() throws MirrorException;
    }

    private void securityEvent(String directory, PeerConnection from, String detail) {
        securityEvents++;
        String peer = from == null ? "?" : from.peer().nodeId();
        security.error(
                "SECURITY: refused a mirroring step from '{}' for {}: {}", peer, directory, detail);
        thread.execute(() -> events.securityEvent(directory, peer, detail));
    }

    /** What a request about one directory does there, on the I/O pool. */
    @FunctionalInterface
    private interface DirectoryWork<T> {
        byte[] run(T request, TargetDir dir, TargetRoot root) throws MirrorException;
    }

    /**
     * The shape of every request about one directory: decode (an unsafe path is a security event),
     * check the session, find the directory among this node's own, then do the work on the I/O
     * pool.
     */
    private <T> CompletableFuture<byte[]> directoryRequest(
            PeerConnection from,
            String what,
            Decoder<T> decoder,
            java.util.function.ToLongFunction<T> sessionOf,
            java.util.function.Function<T, String> directoryOf,
            DirectoryWork<T> work) {
        T req;
        try {
            req = decode(from, what, decoder);
        } catch (RejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
        return inSession(
                from,
                sessionOf.applyAsLong(req),
                v -> {
                    TargetDir d;
                    try {
                        d = dir(directoryOf.apply(req), from.peer().nodeId());
                    } catch (MirrorException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return root(d).thenApplyAsync(
                                    r -> {
                                        try {
                                            return work.run(req, d, r);
                                        } catch (MirrorException e) {
                                            throw new CompletionException(e);
                                        }
                                    },
                                    io);
                });
    }

    CompletableFuture<byte[]> onList(PeerConnection from, byte[] body) {
        return directoryRequest(
                from,
                "listing request",
                () -> MirrorCodec.ListRequest.decode(body),
                MirrorCodec.ListRequest::session,
                MirrorCodec.ListRequest::directory,
                (req, d, r) -> {
                    LocalTree.Page page =
                            LocalTree.list(
                                    r.root(),
                                    req.under(),
                                    req.recursive(),
                                    globs(req.excludes()),
                                    req.after(),
                                    Math.min(req.limit(), MirrorSource.LIST_PAGE),
                                    why -> log.warn("mirror {}: {}", d.spec.source(), why));
                    List<FileEntry> entries =
                            origin.wasPrimary() ? withoutFileTimes(page.entries()) : page.entries();
                    return new MirrorCodec.ListReply(entries, page.more()).encode();
                });
    }

    /**
     * A node that wrote as primary cannot vouch that a file of the primary's size and time holds
     * the primary's content: during a split brain both sides may write one file to one size within
     * one clock tick. Its listing then gives no file times, so every file whose size matches is
     * confirmed by hash (once, until the comparison brings it in line) instead of trusted.
     */
    private static List<FileEntry> withoutFileTimes(List<FileEntry> entries) {
        List<FileEntry> out = new ArrayList<>(entries.size());
        for (FileEntry e : entries) {
            out.add(
                    e.type() == EntryType.FILE
                            ? FileEntry.file(e.path(), e.size(), UNVOUCHED_TIME, e.mode())
                            : e);
        }
        return out;
    }

    private static List<Glob> globs(List<String> patterns) throws MirrorException {
        List<Glob> out = new ArrayList<>(patterns.size());
        for (String p : patterns) {
            try {
                out.add(Glob.compile(p));
            } catch (IllegalArgumentException e) {
                throw new MirrorException(MirrorException.Kind.INVALID, e.getMessage());
            }
        }
        return out;
    }

    CompletableFuture<byte[]> onHash(PeerConnection from, byte[] body) {
        return directoryRequest(
                from,
                "hash request",
                () -> MirrorCodec.HashRequest.decode(body),
                MirrorCodec.HashRequest::session,
                MirrorCodec.HashRequest::directory,
                (req, d, r) -> {
                    List<byte[]> hashes = new ArrayList<>();
                    for (MirrorPath p : req.paths()) {
                        try {
                            hashes.add(LocalTree.hash(r.root(), p));
                        } catch (MirrorException e) {
                            hashes.add(new byte[0]);
                        }
                    }
                    return new MirrorCodec.HashReply(hashes).encode();
                });
    }

    CompletableFuture<byte[]> onApply(PeerConnection from, byte[] body) {
        return directoryRequest(
                from,
                "apply request",
                () -> MirrorCodec.ApplyRequest.decode(body),
                MirrorCodec.ApplyRequest::session,
                MirrorCodec.ApplyRequest::directory,
                (req, d, r) -> applyAll(from, d, r, req.ops()));
    }

    /** Applies steps in order; each failure is reported, the others still applied. */
    private byte[] applyAll(PeerConnection from, TargetDir d, TargetRoot r, List<MirrorOp> ops) {
        List<MirrorCodec.Failure> failures = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            MirrorOp op = ops.get(i);
            try {
                checkScope(d, op.path());
                r.apply(op);
                if (op instanceof MirrorOp.Delete) {
                    d.stats.deleted++;
                }
            } catch (MirrorException e) {
                if (e.kind() == MirrorException.Kind.UNSAFE) {
                    securityEvent(d.spec.source(), from, e.getMessage());
                } else {
                    d.stats.failed(op.path() + ": " + e.getMessage());
                }
                failures.add(new MirrorCodec.Failure(i, e.kind(), e.getMessage()));
            }
        }
        if (failures.isEmpty() && phase == Phase.SYNCED) {
            d.stats.lastSync = Instant.now();
        }
        return new MirrorCodec.ApplyReply(failures).encode();
    }

    /** A directory mirrored without subdirectories here accepts only its own entries. */
    private static void checkScope(TargetDir d, MirrorPath path) throws MirrorException {
        if (!d.spec.recursive() && path.depth() > 1) {
            throw new MirrorException(
                    MirrorException.Kind.UNSAFE,
                    "'"
                            + path
                            + "' lies in a subdirectory of "
                            + d.spec.source()
                            + ", which is mirrored without subdirectories on this node (no '+')");
        }
    }

    CompletableFuture<byte[]> onSynced(PeerConnection from, byte[] body) {
        MirrorCodec.Synced req;
        try {
            req = decode(from, "synced", () -> MirrorCodec.Synced.decode(body));
        } catch (RejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
        return inSession(
                from,
                req.session(),
                v -> {
                    synced(req.session());
                    return CompletableFuture.completedFuture(new byte[0]);
                });
    }

    CompletableFuture<byte[]> onEnded(PeerConnection from, byte[] body) {
        MirrorCodec.Ended req;
        try {
            req = decode(from, "ended", () -> MirrorCodec.Ended.decode(body));
        } catch (RejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        thread.execute(
                () -> {
                    if (from == current && req.session() == session) {
                        end("the primary ended the session: " + req.reason(), true, false);
                    }
                    out.complete(new byte[0]);
                });
        return out;
    }

    // ------------------------------------------------------------------ files

    /** Accepts a file stream of the current session, or refuses it with the reason. */
    StreamReceiver openFile(PeerConnection from, byte[] headerBytes) throws RejectedException {
        MirrorCodec.FileHeader h =
                decode(from, "file header", () -> MirrorCodec.FileHeader.decode(headerBytes));
        if (from != current || h.session() != session) {
            throw new RejectedException(
                    "file for mirroring session " + h.session() + ", which is not current here");
        }
        TargetDir d;
        try {
            d = dir(h.directory(), from.peer().nodeId());
            checkScope(d, h.entry().path());
        } catch (MirrorException e) {
            if (e.kind() == MirrorException.Kind.UNSAFE) {
                securityEvent(h.directory(), from, e.getMessage());
            }
            throw new RejectedException(e.getMessage());
        }
        return new FileReceiver(from, d, h.entry());
    }

    /** Accepts a stream of several files of the current session, or refuses it with the reason. */
    StreamReceiver openFiles(PeerConnection from, byte[] headerBytes) throws RejectedException {
        MirrorCodec.FilesHeader h =
                decode(from, "files header", () -> MirrorCodec.FilesHeader.decode(headerBytes));
        if (from != current || h.session() != session) {
            throw new RejectedException(
                    "files for mirroring session " + h.session() + ", which is not current here");
        }
        TargetDir d;
        try {
            d = dir(h.directory(), from.peer().nodeId());
            for (FileEntry e : h.entries()) {
                checkScope(d, e.path());
            }
        } catch (MirrorException e) {
            if (e.kind() == MirrorException.Kind.UNSAFE) {
                securityEvent(h.directory(), from, e.getMessage());
            }
            throw new RejectedException(e.getMessage());
        }
        return new PackReceiver(from, d, h.entries());
    }

    /**
     * Several small files in one stream, their contents one after another: each goes to its own
     * partial file; at the end every one is synced and renamed into place, and each directory is
     * synced once. A file that cannot be written (refused, disk full) is skipped over and reported
     * in the result; the others still land.
     */
    private final class PackReceiver implements StreamReceiver {
        private final PeerConnection from;
        private final TargetDir dir;
        private final List<FileEntry> entries;
        private final List<MirrorCodec.Failure> failures = new ArrayList<>();
        private final List<TargetRoot.IncomingFile> written = new ArrayList<>();
        private int index;
        private long left;
        private TargetRoot.IncomingFile file;
        private boolean skipping;
        private boolean started;

        PackReceiver(PeerConnection from, TargetDir dir, List<FileEntry> entries) {
            this.from = from;
            this.dir = dir;
            this.entries = entries;
        }

        /** Moves to the next file with content left, finishing empty files on the way. */
        private void advance(TargetRoot r) {
            while (index < entries.size()) {
                FileEntry e = entries.get(index);
                if (!started) {
                    started = true;
                    left = e.size();
                    skipping = false;
                    try {
                        file = r.receive(e);
                    } catch (MirrorException x) {
                        failed(index, x);
                        file = null;
                        skipping = true;
                    }
                }
                if (left > 0) {
                    return;
                }
                if (file != null) {
                    written.add(file);
                    file = null;
                }
                index++;
                started = false;
            }
        }

        private void failed(int i, MirrorException e) {
            if (e.kind() == MirrorException.Kind.UNSAFE) {
                securityEvent(dir.spec.source(), from, e.getMessage());
            } else {
                dir.stats.failed(entries.get(i).path() + ": " + e.getMessage());
            }
            failures.add(new MirrorCodec.Failure(i, e.kind(), e.getMessage()));
        }

        @Override
        public CompletionStage<Void> onChunk(ByteBuf data) {
            return root(dir).thenAcceptAsync(r -> write(r, data), io);
        }

        private void write(TargetRoot r, ByteBuf data) {
            for (ByteBuffer b : data.nioBuffers()) {
                while (b.hasRemaining()) {
                    advance(r);
                    if (index >= entries.size()) {
                        abandon();
                        throw new CompletionException(
                                new MirrorException(
                                        MirrorException.Kind.INVALID,
                                        "more content than the files' sizes add up to"));
                    }
                    int n = (int) Math.min(left, b.remaining());
                    ByteBuffer part = b.slice().limit(n);
                    b.position(b.position() + n);
                    left -= n;
                    if (!skipping) {
                        try {
                            file.write(part);
                        } catch (MirrorException x) {
                            failed(index, x);
                            file.close();
                            file = null;
                            skipping = true;
                        }
                    }
                }
            }
        }

        @Override
        public CompletionStage<byte[]> onEnd(long totalBytes) {
            return root(dir).thenApplyAsync(this::commitAll, io);
        }

        private byte[] commitAll(TargetRoot r) {
            advance(r);
            if (index < entries.size()) {
                abandon();
                throw new CompletionException(
                        new MirrorException(
                                MirrorException.Kind.INVALID,
                                "the stream ended before '"
                                        + entries.get(index).path()
                                        + "' was complete"));
            }
            List<MirrorPath> landed = new ArrayList<>();
            for (TargetRoot.IncomingFile f : written) {
                try {
                    f.commit(false);
                    landed.add(f.path());
                    dir.stats.transferred++;
                } catch (MirrorException x) {
                    failed(indexOf(f.path()), x);
                }
            }
            written.clear();
            try {
                r.syncDirectories(landed);
            } catch (MirrorException x) {
                dir.stats.failed(x.getMessage());
            }
            if (phase == Phase.SYNCED && failures.isEmpty()) {
                dir.stats.lastSync = Instant.now();
            }
            failures.sort(java.util.Comparator.comparingInt(MirrorCodec.Failure::index));
            return new MirrorCodec.ApplyReply(failures).encode();
        }

        private int indexOf(MirrorPath path) {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).path().equals(path)) {
                    return i;
                }
            }
            return -1;
        }

        private void abandon() {
            if (file != null) {
                file.close();
                file = null;
            }
            written.forEach(TargetRoot.IncomingFile::close);
            written.clear();
        }

        @Override
        public void onAbort(String reason) {
            io.execute(this::abandon);
        }
    }

    /**
     * One incoming file: written to a partial file on the I/O pool, renamed into place at the end.
     */
    private final class FileReceiver implements StreamReceiver {
        private final PeerConnection from;
        private final TargetDir dir;
        private final FileEntry entry;
        private TargetRoot.IncomingFile file;

        FileReceiver(PeerConnection from, TargetDir dir, FileEntry entry) {
            this.from = from;
            this.dir = dir;
            this.entry = entry;
        }

        private TargetRoot.IncomingFile file(TargetRoot r) throws MirrorException {
            if (file == null) {
                file = r.receive(entry);
            }
            return file;
        }

        @Override
        public CompletionStage<Void> onChunk(ByteBuf data) {
            return root(dir)
                    .thenAcceptAsync(
                            r -> {
                                try {
                                    TargetRoot.IncomingFile f = file(r);
                                    for (ByteBuffer b : data.nioBuffers()) {
                                        f.write(b);
                                    }
                                } catch (MirrorException e) {
                                    failed(e);
                                    throw new CompletionException(e);
                                }
                            },
                            io);
        }

        @Override
        public CompletionStage<byte[]> onEnd(long totalBytes) {
            return root(dir)
                    .thenApplyAsync(
                            r -> {
                                try {
                                    file(r).commit();
                                    dir.stats.transferred++;
                                    dir.stats.transferredBytes += entry.size();
                                    if (phase == Phase.SYNCED) {
                                        dir.stats.lastSync = Instant.now();
                                    }
                                    return new byte[0];
                                } catch (MirrorException e) {
                                    failed(e);
                                    throw new CompletionException(e);
                                }
                            },
                            io);
        }

        private void failed(MirrorException e) {
            if (file != null) {
                file.close();
            }
            if (e.kind() == MirrorException.Kind.UNSAFE) {
                securityEvent(dir.spec.source(), from, e.getMessage());
            } else {
                dir.stats.failed(entry.path() + ": " + e.getMessage());
            }
        }

        @Override
        public void onAbort(String reason) {
            io.execute(
                    () -> {
                        if (file != null) {
                            file.close();
                        }
                    });
        }
    }
}
