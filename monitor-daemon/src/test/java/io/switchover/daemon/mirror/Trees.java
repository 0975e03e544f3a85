package io.switchover.daemon.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Snapshots of real directory trees, to compare a primary's directory with the backup's copy. */
final class Trees {
    private Trees() {}

    /**
     * Every path under {@code root} (not the root) that {@code keep} accepts, with what must match
     * on the backup: type, size, mode, time and content hash of files; type and mode (and time, if
     * {@code dirTimes}) of directories; target of links.
     */
    static Map<String, String> snapshot(Path root, boolean dirTimes, Predicate<String> keep) {
        Map<String, String> out = new TreeMap<>();
        try {
            Files.walkFileTree(
                    root,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(
                                Path dir, BasicFileAttributes attrs) throws IOException {
                            if (!dir.equals(root)) {
                                String rel = root.relativize(dir).toString();
                                if (!keep.test(rel)) {
                                    return FileVisitResult.SKIP_SUBTREE;
                                }
                                out.put(
                                        rel,
                                        "dir "
                                                + mode(dir)
                                                + (dirTimes ? " " + attrs.lastModifiedTime() : ""));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            String rel = root.relativize(file).toString();
                            if (!keep.test(rel)) {
                                return FileVisitResult.CONTINUE;
                            }
                            if (attrs.isSymbolicLink()) {
                                out.put(rel, "link " + Files.readSymbolicLink(file));
                            } else {
                                out.put(
                                        rel,
                                        "file "
                                                + attrs.size()
                                                + " "
                                                + mode(file)
                                                + " "
                                                + attrs.lastModifiedTime()
                                                + " "
                                                + sha256(file));
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Map<String, String> snapshot(Path root) {
        return snapshot(root, false, p -> true);
    }

    private static String mode(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return Integer.toOctalString(mode & 07777);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code content} to {@code file} (creating parents) and sets its time and mode. */
    static Path write(Path file, String content, long epochSecond, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(
                file, FileTime.from(java.time.Instant.ofEpochSecond(epochSecond)));
        Files.setPosixFilePermissions(
                file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
        return file;
    }
}
