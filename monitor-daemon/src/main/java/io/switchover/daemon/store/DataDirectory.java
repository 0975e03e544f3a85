package io.switchover.daemon.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's data directory, owned by exactly one running daemon. Opening it creates it with
 * owner-only permissions and takes an exclusive OS lock on its {@code lock} file; a second daemon
 * pointed at the same directory is refused with the holder's pid. Everything durable the daemon
 * writes lives here and is written only while the lock is held.
 *
 * <p>Permissions: the directory holds the admin token, so it must be {@code rwx------}. A directory
 * that already exists with other permissions (looser, such as {@code rwxr-xr-x} from a hand-made
 * {@code mkdir}, or missing owner bits) is set to {@code rwx------} with a warning rather than
 * refused: the operator's intent (this is the data directory) is clear, and refusing would only add
 * a manual step. A directory whose permissions cannot be changed (someone else owns it) is refused.
 *
 * <p>The lock is an OS lock ({@link FileChannel#tryLock()}), not the file's existence: the OS drops
 * it when the process dies, even by {@code kill -9}, so a stale {@code lock} file never blocks a
 * restart. For the same reason the file is never deleted: deleting it on close would let a starting
 * daemon lock a file that a third one is about to replace.
 *
 * <p>This class must never hand out the directory before the lock is held.
 */
public final class DataDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

    /** The lock file's name; it contains the holder's pid, for the refusal message only. */
    public static final String LOCK_FILE = "lock";

    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.fromString("rwx------");

    /**
     * Directories this process holds. POSIX locks belong to the process, and closing any channel on
     * a locked file may drop them, so a second open in this process is refused here before it
     * touches the lock file at all.
     */
    private static final Set<Path> HELD_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final Path heldKey;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path path, Path heldKey, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.heldKey = heldKey;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates {@code directory} with owner-only permissions if needed (missing parents too, with
     * the same permissions), sets an existing one to owner-only, and locks it for this process.
     *
     * @throws DataDirectoryLockedException if another daemon (or this process) holds it
     * @throws StorageException if it cannot be created, made owner-only or locked
     */
    public static DataDirectory open(Path directory) {
        Path path = directory.toAbsolutePath().normalize();
        createOwnerOnly(path);
        Path heldKey = realPath(path);
        if (!HELD_IN_THIS_PROCESS.add(heldKey)) {
            throw new DataDirectoryLockedException(
                    path,
                    OptionalLong.of(ProcessHandle.current().pid()),
                    "data directory "
                            + path
                            + " is already open in this process (pid "
                            + ProcessHandle.current().pid()
                            + ")");
        }
        try {
            return lock(path, heldKey);
        } catch (RuntimeException e) {
            HELD_IN_THIS_PROCESS.remove(heldKey);
            throw e;
        }
    }

    /** The directory, absolute. */
    public Path path() {
        return path;
    }

    /** A file or directory inside the data directory. */
    public Path resolve(String name) {
        return path.resolve(name);
    }

    /** Releases the lock; the {@code lock} file stays (see the class comment). Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            // The OS drops the lock with the channel or the process; nothing is left to undo.
            log.warn("could not release the lock on data directory {}: {}", path, e.toString());
        } finally {
            HELD_IN_THIS_PROCESS.remove(heldKey);
        }
    }

    @Override
    public String toString() {
        return "DataDirectory[" + path + "]";
    }

    private static void createOwnerOnly(Path path) {
        try {
            Files.createDirectories(
                    path, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            throw new StorageException(
                    "data directory " + path + " exists and is not a directory", e);
        } catch (UnsupportedOperationException e) {
            throw new StorageException(
                    "data directory "
                            + path
                            + " is on a file system without POSIX permissions; switchoverd needs"
                            + " them to keep its admin token private",
                    e);
        } catch (IOException e) {
            throw new StorageException(
                    "could not create data directory " + path + ": " + e.getMessage(), e);
        }
        try {
            // A new directory is already owner-only unless the umask removed owner bits; an
            // existing one may have been made by hand with any permissions.
            DurableFiles.setPermissions(
                    path, OWNER_ONLY_DIRECTORY, log, "the data directory holds the admin token");
        } catch (IOException e) {
            throw new StorageException(
                    "data directory "
                            + path
                            + " must be accessible to its owner only (rwx------) and its"
                            + " permissions could not be set ("
                            + e.getMessage()
                            + "); is it owned by another user?",
                    e);
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new StorageException(
                    "could not resolve data directory " + path + ": " + e.getMessage(), e);
        }
    }

    private static DataDirectory lock(Path path, Path heldKey) {
        Path lockFile = path.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            channel =
                    FileChannel.open(
                            lockFile,
                            Set.of(
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.READ,
                                    StandardOpenOption.WRITE,
                                    LinkOption.NOFOLLOW_LINKS),
                            DurableFiles.ownerOnly());
        } catch (IOException e) {
            throw new StorageException(
                    "could not open lock file " + lockFile + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(path, holderPid(channel));
            }
            writePid(channel);
            return new DataDirectory(path, heldKey, channel, lock);
        } catch (OverlappingFileLockException e) {
            // Only reachable if something in this process locked the file behind our back.
            closeQuietly(channel);
            throw inUse(path, OptionalLong.empty());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("could not lock " + lockFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static DataDirectoryLockedException inUse(Path path, OptionalLong holder) {
        String who =
                holder.isPresent()
                        ? "another daemon (pid " + holder.getAsLong() + ")"
                        : "another daemon";
        return new DataDirectoryLockedException(
                path,
                holder,
                "data directory "
                        + path
                        + " is in use by "
                        + who
                        + "; two daemons must never share a data directory: stop the other one or"
                        + " give this one its own");
    }

    /** The pid the holder wrote; empty while it has not written it yet or if it is garbage. */
    private static OptionalLong holderPid(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        try {
            return OptionalLong.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static void writePid(FileChannel channel) throws IOException {
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        channel.truncate(0);
        channel.position(0);
        DurableFiles.writeFully(channel, ByteBuffer.wrap(pid));
        channel.force(true);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a channel that failed to lock: nothing is held, nothing to report.
        }
    }
}
