package io.switchover.daemon.mirror;

import io.switchover.core.mirror.EntryType;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorPath;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The few file-system primitives both sides of the mirror share: one {@code lstat} that yields
 * everything a listing needs, the entry a path is, and how an {@link IOException} becomes a {@link
 * MirrorException}. Never follows a symbolic link.
 */
final class MirrorFiles {

    /**
     * Whether the JDK offers the {@code unix} view, whose {@code mode} has setuid/setgid/sticky.
     */
    private static final boolean UNIX_VIEW =
            FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    private static final String UNIX_ATTRIBUTES =
            "unix:mode,size,lastModifiedTime,isRegularFile,isDirectory,isSymbolicLink";

    /** The file-type bits of {@code st_mode}, to name what a special file is. */
    private static final int S_IFMT = 0170000;

    private MirrorFiles() {}

    /**
     * What {@code lstat} says about a path.
     *
     * @param type file, directory or link; null for anything else (see {@link #special})
     * @param special what a special file is ("a named pipe"), empty otherwise
     */
    record Status(EntryType type, long size, long mtimeNanos, int mode, String special) {
        boolean isDirectory() {
            return type == EntryType.DIRECTORY;
        }

        boolean isSymbolicLink() {
            return type == EntryType.SYMLINK;
        }
    }

    /** {@code lstat} of {@code file} in one system call; null if nothing is there. */
    static Status lstat(Path file) throws IOException {
        try {
            return UNIX_VIEW ? unixStatus(file) : posixStatus(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static Status unixStatus(Path file) throws IOException {
        Map<String, Object> a =
                Files.readAttributes(file, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int rawMode = (Integer) a.get("mode");
        long mtime = nanos((FileTime) a.get("lastModifiedTime"));
        long size = (Long) a.get("size");
        int mode = rawMode & 07777;
        if ((Boolean) a.get("isRegularFile")) {
            return new Status(EntryType.FILE, size, mtime, mode, "");
        }
        if ((Boolean) a.get("isDirectory")) {
            return new Status(EntryType.DIRECTORY, 0, mtime, mode, "");
        }
        if ((Boolean) a.get("isSymbolicLink")) {
            return new Status(EntryType.SYMLINK, 0, mtime, 0777, "");
        }
        return new Status(null, 0, mtime, mode, special(rawMode & S_IFMT));
    }

    private static String special(int format) {
        return switch (format) {
            case 0010000 -> "a named pipe";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> "a special file";
        };
    }

    /** Without the unix view: permission bits only (setuid, setgid and sticky are not seen). */
    private static Status posixStatus(Path file) throws IOException {
        PosixFileAttributes a =
                Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long mtime = nanos(a.lastModifiedTime());
        int mode = 0;
        for (PosixFilePermission p : a.permissions()) {
            mode |= 0400 >> p.ordinal();
        }
        if (a.isRegularFile()) {
            return new Status(EntryType.FILE, a.size(), mtime, mode, "");
        }
        if (a.isDirectory()) {
            return new Status(EntryType.DIRECTORY, 0, mtime, mode, "");
        }
        if (a.isSymbolicLink()) {
            return new Status(EntryType.SYMLINK, 0, mtime, 0777, "");
        }
        return new Status(null, 0, mtime, mode, "a special file");
    }

    static long nanos(FileTime time) {
        return time.to(TimeUnit.NANOSECONDS);
    }

    static FileTime fileTime(long nanos) {
        return FileTime.from(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The entry for {@code file} as {@code status} describes it (reading a link's target); null for
     * a special file, or a link that vanished meanwhile.
     */
    static FileEntry entry(MirrorPath path, Path file, Status status) throws IOException {
        if (status.type() == null) {
            return null;
        }
        return switch (status.type()) {
            case FILE -> FileEntry.file(path, status.size(), status.mtimeNanos(), status.mode());
            case DIRECTORY -> FileEntry.directory(path, status.mtimeNanos(), status.mode());
            case SYMLINK -> {
                try {
                    yield FileEntry.symlink(
                            path, Files.readSymbolicLink(file).toString(), status.mtimeNanos());
                } catch (NoSuchFileException e) {
                    yield null;
                }
            }
        };
    }

    /**
     * Whether every component of {@code path} above it is a real directory (not a link, not a file,
     * not missing), checked from {@code root} down.
     */
    static boolean ancestorsAreDirectories(Path root, MirrorPath path) throws IOException {
        Path dir = root;
        for (int i = 0; i < path.depth() - 1; i++) {
            dir = dir.resolve(path.segments().get(i));
            Status status = lstat(dir);
            if (status == null || !status.isDirectory()) {
                return false;
            }
        }
        return true;
    }

    /** Sets the permission bits (0 to 07777) of a file or directory; never of a link. */
    static void setMode(Path file, int mode) throws IOException {
        if (UNIX_VIEW) {
            Files.setAttribute(file, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
            return;
        }
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (0400 >> p.ordinal())) != 0) {
                permissions.add(p);
            }
        }
        Files.setPosixFilePermissions(file, permissions);
    }

    /** Sets the modification time of {@code file} itself (of a link, not what it points to). */
    static void setMtime(Path file, long mtimeNanos) throws IOException {
        Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(fileTime(mtimeNanos), null, null);
    }

    /** {@code path} under {@code root} on this node's disk. */
    static Path resolve(Path root, MirrorPath path) {
        return path.isRoot() ? root : root.resolve(path.toString());
    }

    /**
     * The failure of {@code operation} on {@code file}: NO_SPACE when the disk is full or over
     * quota (retried later), IO otherwise.
     */
    static MirrorException failure(String operation, Path file, IOException e) {
        if (isNoSpace(e)) {
            return new MirrorException(
                    MirrorException.Kind.NO_SPACE,
                    operation + " " + file + ": the disk is full (" + e.getMessage() + ")",
                    e);
        }
        return new MirrorException(
                MirrorException.Kind.IO, operation + " " + file + " failed: " + e, e);
    }

    private static boolean isNoSpace(IOException e) {
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null) {
            reason = e.getMessage();
        }
        if (reason == null) {
            return false;
        }
        String r = reason.toLowerCase(Locale.ROOT);
        return r.contains("no space") || r.contains("space left") || r.contains("quota");
    }
}
