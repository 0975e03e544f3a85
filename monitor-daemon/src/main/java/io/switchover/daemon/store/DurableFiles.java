package io.switchover.daemon.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The one way this package makes a file durable. Small files are replaced whole (temporary file,
 * fsync, atomic rename, fsync of the directory), so a reader sees the old content or the new one,
 * never a mix, even after a power cut.
 *
 * <p>Public for stores that manage their own file format elsewhere in the daemon (the registry's
 * MVStore file): they use {@link #syncDirectory} to make a new file's name durable.
 */
public final class DurableFiles {

    /** Files holding state or secrets: the owner reads and writes, nobody else sees them. */
    static final Set<PosixFilePermission> OWNER_READ_WRITE =
            PosixFilePermissions.fromString("rw-------");

    private DurableFiles() {}

    /**
     * Creating a file with this attribute gives it owner-only permissions from its first moment.
     */
    static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
    }

    /**
     * Replaces {@code target} with {@code content} atomically and durably; the file is created with
     * owner-only permissions and never exists with looser ones.
     */
    static void replace(Path target, byte[] content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        // A leftover from a crash is deleted rather than reused, so that the permissions given at
        // creation are the ones the new file has.
        Files.deleteIfExists(temporary);
        try {
            try (FileChannel channel =
                    FileChannel.open(
                            temporary,
                            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            ownerOnly())) {
                writeFully(channel, ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes the directory's entries (a new or renamed file) survive a crash. */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Gives {@code path} exactly the {@code wanted} permissions; if it had others, {@code log}
     * warns with both and {@code why}.
     *
     * @throws IOException if they cannot be set (typically: another user owns the file)
     */
    static void setPermissions(Path path, Set<PosixFilePermission> wanted, Logger log, String why)
            throws IOException {
        Set<PosixFilePermission> before = Files.getPosixFilePermissions(path);
        if (before.equals(wanted)) {
            return;
        }
        Files.setPosixFilePermissions(path, wanted);
        log.warn(
                "{} had permissions {}; set to {}: {}",
                path,
                PosixFilePermissions.toString(before),
                PosixFilePermissions.toString(wanted),
                why);
    }
}
