package io.switchover.it.bed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Mirrored directory trees on the shared filesystem: a deterministic tree to mirror, and the
 * snapshot (relative path to size and SHA-256) that two trees are compared by: the {@code diff -r}
 * of issue 7. Files in transit ({@code .switchover-partial-*}) are never part of a snapshot; {@link
 * #partialFiles} lists them.
 */
public final class FileTree {
    public static final String PARTIAL_PREFIX = ".switchover-partial-";

    private FileTree() {}

    /** What a generated tree holds. */
    public record Shape(int files, long bytes) {}

    /**
     * Writes {@code files} files into {@code dirs} subdirectories of {@code root}, with contents
     * that depend only on {@code seed}: mostly small files (4-16 KiB) and every {@code bigEvery}-th
     * one of {@code bigBytes}.
     */
    public static Shape generate(
            Path root, int dirs, int files, int bigEvery, int bigBytes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long bytes = 0;
        try {
            for (int i = 0; i < files; i++) {
                Path dir = root.resolve("d%02d".formatted(i % dirs));
                Files.createDirectories(dir);
                int size = i % bigEvery == 0 ? bigBytes : 4096 + random.nextInt(12 * 1024);
                byte[] content = new byte[size];
                random.nextBytes(content);
                Files.write(dir.resolve("f%05d.bin".formatted(i)), content);
                bytes += size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Shape(files, bytes);
    }

    /** Relative path of every regular file (partial files excluded) to "size sha256". */
    public static Map<String, String> snapshot(Path root) {
        Map<String, String> files = new TreeMap<>();
        for (Path file : regularFiles(root)) {
            if (file.getFileName().toString().startsWith(PARTIAL_PREFIX)) {
                continue;
            }
            try {
                files.put(root.relativize(file).toString(), fingerprint(file));
            } catch (NoSuchFileException renamedAway) {
                // replaced while we looked; a later snapshot sees the new one
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** "size sha256" of one file's content. */
    public static String fingerprint(Path file) throws IOException {
        MessageDigest sha = sha256();
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
        }
        return size + " " + HexFormat.of().formatHex(sha.digest());
    }

    /** "size sha256" of some bytes, as {@link #fingerprint(Path)} gives for a file holding them. */
    public static String fingerprint(byte[] content) {
        return content.length + " " + HexFormat.of().formatHex(sha256().digest(content));
    }

    /** Regular files that are not partial: cheap enough to poll (no content read). */
    public static long countComplete(Path root) {
        return regularFiles(root).stream()
                .filter(f -> !f.getFileName().toString().startsWith(PARTIAL_PREFIX))
                .count();
    }

    /** Files in transit left in the tree. */
    public static List<Path> partialFiles(Path root) {
        return regularFiles(root).stream()
                .filter(f -> f.getFileName().toString().startsWith(PARTIAL_PREFIX))
                .toList();
    }

    private static List<Path> regularFiles(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (UncheckedIOException | IOException e) {
            // a directory changed while walking: the caller polls and looks again
            return List.of();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
