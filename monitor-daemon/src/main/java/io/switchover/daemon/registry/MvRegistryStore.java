package io.switchover.daemon.registry;

import io.switchover.core.registry.RegistryException;
import io.switchover.core.registry.RegistryStore;
import io.switchover.core.registry.SortedStringMap;
import io.switchover.daemon.store.DurableFiles;
import io.switchover.daemon.store.StorageException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.StringDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable store: one h2 MVStore file holding the three maps of {@link RegistryStore}
 * ({@code entries}, {@code index}, {@code meta}, strings to strings).
 *
 * <p>{@link #commit()} is the only point where data reaches the file. MVStore's auto-commit is off
 * in both of its forms (the background writer and the commit a write triggers once enough unsaved
 * pages pile up), so a half-built batch is never written. A commit is one MVStore version, written
 * as one chunk; after a crash the file opens at the last chunk written whole, so a commit is there
 * entirely or not at all. How far "written" goes is the {@link Durability}.
 *
 * <p>{@link #close()} discards what was written after the last commit (MVStore's own close would
 * commit it), forces the file to the disk and closes it without MVStore's clean-close step (see the
 * method for why), so every open recovers from the last whole chunk.
 *
 * <p>Space: every commit writes a chunk (about 16 KiB for a one-entry commit, more for a larger
 * one), and a chunk stays as long as one of its pages is live. MVStore's defaults would keep every
 * chunk for 45 s and leave compaction to a background thread: several GiB after 200,000 small
 * commits. Here a chunk whose pages have all been replaced is reused {@link #KEPT_VERSIONS} commits
 * later (retention time 0, see {@link Durability} for why that is safe), and every {@link
 * #COMPACT_EVERY_COMMITS} commits or {@link #COMPACT_EVERY_WRITES} written entries the live pages
 * of the emptiest chunks are rewritten together, so that a few old pages cannot pin many chunks.
 * New chunks fill the free space first and the file is truncated when its end is free. Under small
 * commits the file stays within its live data plus about {@code COMPACT_EVERY_COMMITS} chunks; bulk
 * loads leave it a few times larger than its live data (docs/benchmarks.md has the figures).
 *
 * <p>Failures: opening one that cannot be used throws {@link StorageException} naming the file and
 * why (locked, corrupt, unreadable); the file is never modified or replaced then. A new store is
 * made under a temporary name and renamed into place once its first commit is on the disk, so a
 * file without that commit is corrupt, not half-created. A commit that fails throws {@link
 * RegistryException} UNAVAILABLE and leaves the store closed, since what the file holds after a
 * failed write or fsync is unknown until it is opened again; reads on a failed or closed store
 * throw {@link IllegalStateException}, other read failures {@link StorageException}.
 *
 * <p>Not thread-safe: the registry's thread owns it, as it owns the registry.
 */
public final class MvRegistryStore implements RegistryStore {
    private static final Logger log = LoggerFactory.getLogger(MvRegistryStore.class);

    /** Where the daemon keeps the store, relative to its data directory. */
    public static final String FILE_IN_DATA_DIRECTORY = "registry/registry.mv.db";

    /**
     * How far a commit goes before it returns. Either way a commit is all or nothing; the policies
     * differ in what the last commits survive.
     */
    public enum Durability {
        /**
         * The commit's chunk is written and the file forced to the disk ({@code fsync}) before
         * {@code commit()} returns: an acknowledged write survives a crash of the daemon, of the
         * machine and a power loss. The safe default.
         *
         * <p>It is also what makes reusing free chunks at once safe: a chunk is free only after
         * later commits replaced all its pages, and those commits are on the disk before the next
         * one can overwrite it.
         */
        FSYNC,
        /**
         * The commit's chunk is handed to the operating system without {@code fsync}: it survives a
         * crash of the daemon (the kernel holds the data and writes it later), not a power loss or
         * a kernel crash. Those may lose the last commits or, since the kernel may write a reused
         * chunk before the commits that freed it, leave a file that does not open and has to be
         * replaced with the peer's copy. Compactions still force the file. For a node whose
         * registry its peer can always resend, and for tests and benchmarks.
         */
        WRITE
    }

    /**
     * Commits between compactions: what bounds the file under many small commits, each of which
     * leaves a chunk that a single live page can pin. Compactions are small and frequent rather
     * than large and rare: each one pauses the registry thread (writes and replication wait), so
     * its pause, not the space, is what the settings below bound.
     */
    static final int COMPACT_EVERY_COMMITS = 1_000;

    /**
     * Entries written (put or removed) between compactions: what bounds the file under large
     * commits, whose chunks are large and, when the keys are spread (as the index's are), stay
     * partly live for a long time.
     */
    static final int COMPACT_EVERY_WRITES = 100_000;

    /**
     * A compaction does something only while less than this percentage of the chunks' bytes is
     * live; it then rewrites the live pages of the emptiest chunks, so that those chunks die.
     */
    static final int COMPACT_BELOW_FILL_PERCENT = 50;

    /**
     * The most bytes of live pages one round of a compaction rewrites: 15-30 ms of work on the
     * benchmark machine (16 MiB took 100-500 ms, which showed as the replication p99).
     */
    static final int REWRITE_BYTES = 2 << 20;

    /** The most rounds of a compaction: with {@link #REWRITE_BYTES}, bounds the pause it causes. */
    static final int COMPACT_ROUNDS = 1;

    /** Versions MVStore keeps before a chunk they referenced may be reused. */
    static final int KEPT_VERSIONS = 5;

    /**
     * Store files this process holds. A failed second open in this process would close a channel on
     * the file and with it drop the OS lock the first holds (POSIX locks belong to the process), so
     * it is refused here before MVStore touches the file.
     */
    private static final Set<Path> OPEN_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private static final String LEFT_AS_IT_IS =
            "it was left as it is. Move it away to start with an empty registry (a backup then"
                    + " receives the primary's), or restore it from a copy";

    private static final String ENTRIES = "entries";
    private static final String INDEX = "index";
    private static final String META = "meta";
    private static final List<String> MAPS = List.of(ENTRIES, INDEX, META);

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_READ_WRITE =
            PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final Path heldKey;
    private final Durability durability;
    private final MVStore store;
    private final MvMap entries;
    private final MvMap index;
    private final MvMap meta;
    private long commitsSinceCompaction;
    private long writesSinceCompaction;
    private String unusableBecause;

    private MvRegistryStore(Path file, Path heldKey, Durability durability, MVStore store) {
        this.file = file;
        this.heldKey = heldKey;
        this.durability = durability;
        this.store = store;
        this.entries = new MvMap(openMap(store, ENTRIES));
        this.index = new MvMap(openMap(store, INDEX));
        this.meta = new MvMap(openMap(store, META));
    }

    /** Opens (or creates) the store at {@code file} with the {@link Durability#FSYNC} policy. */
    public static MvRegistryStore open(Path file) {
        return open(file, Durability.FSYNC);
    }

    /**
     * Opens the store at {@code file}, creating it (and its directory, owner-only) if it does not
     * exist. A file left by a crash opens at its last whole commit.
     *
     * @throws StorageException naming the file if it is in use (by another process or already in
     *     this one), corrupt, not writable or cannot be created; the file is left as it was
     */
    public static MvRegistryStore open(Path file, Durability durability) {
        Path path = file.toAbsolutePath().normalize();
        createDirectory(path);
        Path heldKey = heldKey(path);
        if (!OPEN_IN_THIS_PROCESS.add(heldKey)) {
            throw new StorageException(
                    "registry store " + path + " is already open in this process");
        }
        try {
            if (isAbsentOrEmpty(path)) {
                create(path);
            }
            MVStore store = openExisting(path);
            try {
                return new MvRegistryStore(path, heldKey, durability, store);
            } catch (MVStoreException e) {
                store.closeImmediately();
                throw openFailure(path, e);
            }
        } catch (RuntimeException e) {
            OPEN_IN_THIS_PROCESS.remove(heldKey);
            throw e;
        }
    }

    /** The store's file, absolute. */
    public Path file() {
        return file;
    }

    public Durability durability() {
        return durability;
    }

    @Override
    public SortedStringMap entries() {
        return entries;
    }

    @Override
    public SortedStringMap index() {
        return index;
    }

    @Override
    public SortedStringMap meta() {
        return meta;
    }

    /**
     * Writes everything since the last commit as one MVStore version and, with {@link
     * Durability#FSYNC}, forces it to the disk.
     *
     * @throws RegistryException UNAVAILABLE naming the file and the reason; the store is then
     *     closed, and reopening it finds the last commit that did succeed
     */
    @Override
    public void commit() throws RegistryException {
        checkUsable();
        try {
            if (store.hasUnsavedChanges()) {
                store.commit();
                force();
            }
            if (++commitsSinceCompaction >= COMPACT_EVERY_COMMITS
                    || writesSinceCompaction >= COMPACT_EVERY_WRITES) {
                compact();
            }
        } catch (MVStoreException e) {
            unusableBecause = "a commit failed (" + reason(e) + ")";
            store.closeImmediately();
            OPEN_IN_THIS_PROCESS.remove(heldKey);
            throw new RegistryException(
                    RegistryException.Kind.UNAVAILABLE,
                    "could not commit to registry store "
                            + file
                            + ": "
                            + reason(e)
                            + "; the store is closed and the writes since its last commit are"
                            + " lost; it reopens at that commit",
                    e);
        }
    }

    /** Discards the writes since the last commit and closes the file. Idempotent. */
    @Override
    public void close() {
        if (unusableBecause != null) {
            return;
        }
        unusableBecause = "it is closed";
        try {
            // MVStore's close commits pending changes; the port says they are discarded.
            store.rollback();
            // And its clean close is not used: after a store was recovered from a SIGKILL, a
            // commit and a clean close made the next open fall back to an older chain, losing
            // acknowledged commits (MvRegistryStoreCrashTest, about one run in three), while an
            // open that recovers from the last chunk never lost one. Everything committed is in
            // the file already; it is forced to the disk, then the file is simply closed.
            store.sync();
            store.closeImmediately();
        } catch (MVStoreException e) {
            // Nothing is lost: the last commit is in the file and a reopen finds it.
            log.warn("could not close registry store {} cleanly: {}", file, reason(e));
            store.closeImmediately();
        } finally {
            OPEN_IN_THIS_PROCESS.remove(heldKey);
        }
    }

    /** The file's current size in bytes, for metrics and benchmarks. */
    public long fileSize() {
        return sizeOf(file);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StorageException(
                    "could not read the size of registry store " + file + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "MvRegistryStore[" + file + ", " + durability + "]";
    }

    // ---------------------------------------------------------------- opening

    private static void createDirectory(Path path) {
        try {
            Files.createDirectories(
                    path.getParent(), PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            throw new StorageException(
                    "the directory of registry store " + path + " exists and is not a directory",
                    e);
        } catch (IOException e) {
            throw new StorageException(
                    "could not create the directory of registry store "
                            + path
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static Path heldKey(Path path) {
        try {
            return path.getParent().toRealPath().resolve(path.getFileName());
        } catch (IOException e) {
            throw new StorageException(
                    "could not resolve the directory of registry store " + path + ": " + e, e);
        }
    }

    /** An empty file holds nothing (this class never leaves one): it is replaced like none. */
    private static boolean isAbsentOrEmpty(Path path) {
        return !Files.exists(path) || Files.isRegularFile(path) && sizeOf(path) == 0;
    }

    /**
     * Creates the store with its maps under a temporary name, makes it durable and renames it into
     * place, so that a file at {@code path} always has its maps in a whole first commit; one that
     * has not is corrupt (see {@link #openExisting}).
     */
    private static void create(Path path) {
        Path temporary = path.resolveSibling(path.getFileName() + ".new");
        try {
            // A leftover from a crash is deleted rather than reused: it is created owner-only.
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
            MVStore store = builder(temporary).open();
            try {
                for (String name : MAPS) {
                    openMap(store, name);
                }
                store.commit();
            } finally {
                // Writes nothing more than a clean-shutdown mark, and forces the file to the disk.
                store.close();
            }
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(path.getParent());
        } catch (IOException | MVStoreException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StorageException(
                    "could not create registry store " + path + ": " + reason(e), e);
        }
        log.info("created registry store {}", path);
    }

    private static MVStore openExisting(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new StorageException("registry store " + path + " is not a regular file");
        }
        // MVStore would open a file it cannot write read-only, and fail only at the first commit.
        if (!Files.isReadable(path) || !Files.isWritable(path)) {
            throw new StorageException(
                    "registry store "
                            + path
                            + " is not readable and writable by this user; run as the daemon's"
                            + " user or fix its owner");
        }
        MVStore store;
        try {
            store = builder(path).open();
        } catch (MVStoreException e) {
            throw openFailure(path, e);
        }
        if (!store.hasMap(ENTRIES)) {
            // MVStore opens a file in which it finds no whole chunk as a new, empty store.
            store.closeImmediately();
            throw new StorageException(
                    "registry store "
                            + path
                            + " is corrupt or not a registry store (no whole commit found in its "
                            + sizeOf(path)
                            + " bytes); "
                            + LEFT_AS_IT_IS);
        }
        try {
            // Free chunks are reused as soon as no kept version needs them; see Durability.
            store.setRetentionTime(0);
            store.setVersionsToKeep(KEPT_VERSIONS);
            return store;
        } catch (MVStoreException e) {
            store.closeImmediately();
            throw openFailure(path, e);
        }
    }

    private static MVStore.Builder builder(Path path) {
        return new MVStore.Builder()
                .fileName(path.toString())
                // No background writer thread...
                .autoCommitDisabled()
                // ...and no commit from inside a write when unsaved pages pile up.
                .autoCommitBufferSize(0)
                // The page cache (MiB). MVStore's 16 MiB default made a 1M-key tree read pages
                // back from the file for most lookups of a comparison.
                .cacheSize(CACHE_MIB);
    }

    /** Page cache size: about a 1M-key registry's pages. */
    static final int CACHE_MIB = 128;

    private static StorageException openFailure(Path path, MVStoreException e) {
        if (innermost(e) instanceof EOFException) {
            // MVStore says "Reading from file sun.nio.ch.FileChannelImpl@... failed".
            return new StorageException(
                    "registry store "
                            + path
                            + " is corrupt or not a registry store (it ends within MVStore's file"
                            + " header); "
                            + LEFT_AS_IT_IS,
                    e);
        }
        String what =
                switch (e.getErrorCode()) {
                    case DataUtils.ERROR_FILE_LOCKED ->
                            " is locked by another process; is another"
                                    + " switchoverd running with this data directory?";
                    case DataUtils.ERROR_FILE_CORRUPT, DataUtils.ERROR_UNSUPPORTED_FORMAT ->
                            " is corrupt or not a registry store ("
                                    + reason(e)
                                    + "); "
                                    + LEFT_AS_IT_IS;
                    default -> " could not be opened: " + reason(e);
                };
        return new StorageException("registry store " + path + what, e);
    }

    private static MVMap<String, String> openMap(MVStore store, String name) {
        return store.openMap(
                name,
                new MVMap.Builder<String, String>()
                        .keyType(StringDataType.INSTANCE)
                        .valueType(StringDataType.INSTANCE));
    }

    // ---------------------------------------------------------------- commits

    private void force() {
        if (durability == Durability.FSYNC) {
            store.sync();
        }
    }

    /**
     * Rewrites the live pages of the emptiest chunks into a chunk of their own, so that those
     * chunks die and their space is reused. This runs right after a commit, so the commit that
     * stores them holds nothing else (MVStore stores every pending change with them). The file is
     * forced to the disk whatever the durability, so that the chunks this frees are never
     * overwritten before their replacement is on the disk.
     */
    private void compact() {
        commitsSinceCompaction = 0;
        writesSinceCompaction = 0;
        for (int round = 0;
                round < COMPACT_ROUNDS && store.compact(COMPACT_BELOW_FILL_PERCENT, REWRITE_BYTES);
                round++) {
            store.commit();
            store.sync();
        }
    }

    private void checkUsable() throws RegistryException {
        if (unusableBecause != null) {
            throw new RegistryException(
                    RegistryException.Kind.UNAVAILABLE,
                    "registry store " + file + " cannot be used: " + unusableBecause);
        }
    }

    /** MVStore's message, with the innermost cause's when there is one (the I/O error). */
    private static String reason(Throwable e) {
        Throwable innermost = innermost(e);
        return innermost == e ? e.getMessage() : e.getMessage() + ": " + innermost;
    }

    private static Throwable innermost(Throwable e) {
        Throwable innermost = e;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        return innermost;
    }

    // ---------------------------------------------------------------- maps

    /** One MVMap as a {@link SortedStringMap}, translating MVStore's failures. */
    private final class MvMap implements SortedStringMap {
        private final MVMap<String, String> map;

        MvMap(MVMap<String, String> map) {
            this.map = map;
        }

        @Override
        public String get(String key) {
            checkReadable();
            try {
                return map.get(key);
            } catch (MVStoreException e) {
                throw failure(e);
            }
        }

        @Override
        public void put(String key, String value) {
            checkReadable();
            try {
                map.put(key, value);
                writesSinceCompaction++;
            } catch (MVStoreException e) {
                throw failure(e);
            }
        }

        @Override
        public void remove(String key) {
            checkReadable();
            try {
                map.remove(key);
                writesSinceCompaction++;
            } catch (MVStoreException e) {
                throw failure(e);
            }
        }

        @Override
        public String ceilingKey(String key) {
            checkReadable();
            try {
                return map.ceilingKey(key);
            } catch (MVStoreException e) {
                throw failure(e);
            }
        }

        @Override
        public void scan(String from, String to, Visitor visitor) {
            checkReadable();
            try {
                // MVMap's cursor bound is inclusive; the port's is exclusive.
                Cursor<String, String> cursor = map.cursor(from);
                while (cursor.hasNext()) {
                    String key = cursor.next();
                    if (to != null && key.compareTo(to) >= 0) {
                        return;
                    }
                    if (!visitor.visit(key, cursor.getValue())) {
                        return;
                    }
                }
            } catch (MVStoreException e) {
                throw failure(e);
            }
        }

        @Override
        public long size() {
            checkReadable();
            try {
                return map.sizeAsLong();
            } catch (MVStoreException e) {
                throw failure(e);
            }
        }

        private void checkReadable() {
            if (unusableBecause != null) {
                throw new IllegalStateException(
                        "registry store " + file + " cannot be used: " + unusableBecause);
            }
        }

        private StorageException failure(MVStoreException e) {
            return new StorageException(
                    "registry store " + file + " failed on map " + map.getName() + ": " + reason(e),
                    e);
        }
    }
}
