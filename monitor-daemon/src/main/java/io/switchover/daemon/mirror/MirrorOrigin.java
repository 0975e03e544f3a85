package io.switchover.daemon.mirror;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How this node's mirrored directories came to be, kept in {@code <data-dir>/mirror/origin}: {@code
 * primary:<generation>} while (and after) this node was primary and its files were the source,
 * {@code handed-over:<generation>} after a drained controlled switchover (the new primary has
 * everything), {@code replica} once a comparison brought them in line with a primary. A backup
 * whose origin is {@code primary:*} keeps aside what the next comparison replaces or deletes: those
 * files may have been written while a split brain had two primaries, or just before a crash.
 */
final class MirrorOrigin {
    private final Path file;

    MirrorOrigin(Path file) {
        this.file = file;
    }

    /** The origin, or {@code "unknown"} if none was recorded (a node that never mirrored). */
    String read() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    boolean wasPrimary() {
        return read().startsWith("primary:");
    }

    /** Records the origin durably (written aside, synced, renamed into place). */
    void write(String origin) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, origin + "\n", StandardCharsets.UTF_8);
        try (var c =
                java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
