package io.switchover.core.mirror;

import java.util.Objects;

/**
 * One path of a mirrored directory as a listing sees it.
 *
 * @param path relative to the mirrored directory's root
 * @param type file, directory or symbolic link
 * @param size bytes of a file; 0 for directories and links
 * @param mtimeNanos last modification, nanoseconds since the epoch (as the file system stores it)
 * @param mode POSIX permission bits (0 to 07777)
 * @param linkTarget a symbolic link's target as stored in the link; empty for anything else
 */
public record FileEntry(
        MirrorPath path, EntryType type, long size, long mtimeNanos, int mode, String linkTarget) {

    public FileEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(linkTarget, "linkTarget");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + path);
        }
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException(
                    "mode " + Integer.toOctalString(mode) + " for " + path);
        }
    }

    public static FileEntry file(MirrorPath path, long size, long mtimeNanos, int mode) {
        return new FileEntry(path, EntryType.FILE, size, mtimeNanos, mode, "");
    }

    public static FileEntry directory(MirrorPath path, long mtimeNanos, int mode) {
        return new FileEntry(path, EntryType.DIRECTORY, 0, mtimeNanos, mode, "");
    }

    public static FileEntry symlink(MirrorPath path, String target, long mtimeNanos) {
        return new FileEntry(path, EntryType.SYMLINK, 0, mtimeNanos, 0777, target);
    }
}
