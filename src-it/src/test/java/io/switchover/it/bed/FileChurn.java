package io.switchover.it.bed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * File churn in a mirrored directory, as an application on the primary would make it: files
 * created, rewritten, renamed (also into another subdirectory) and deleted, chosen by a seeded
 * random, with a short pause between operations. It keeps the tree it expects to have left
 * (relative path to {@link FileTree#fingerprint}), which the mirror must reproduce exactly.
 */
public final class FileChurn {
    private final Path root;
    private final SplittableRandom random;
    private final Map<String, String> expected = new TreeMap<>();
    private final List<String> names = new ArrayList<>();
    private int next;
    private final int[] counts = new int[4];

    public FileChurn(Path root, long seed) {
        this.root = root;
        this.random = new SplittableRandom(seed);
    }

    /** Churns for {@code total} or {@code maxOps} operations, whichever ends first. */
    public void run(Duration total, int maxOps, Duration pause) throws InterruptedException {
        long end = System.nanoTime() + total.toNanos();
        for (int op = 0; op < maxOps && System.nanoTime() - end < 0; op++) {
            int choice = names.size() < 20 ? 0 : random.nextInt(10);
            try {
                if (choice < 4) {
                    create();
                } else if (choice < 7) {
                    rewrite();
                } else if (choice < 9) {
                    rename();
                } else {
                    delete();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.sleep(pause.toMillis());
        }
    }

    /** The tree the churn left: relative path to "size sha256". */
    public Map<String, String> expected() {
        return Map.copyOf(expected);
    }

    /** "N created, N rewritten, N renamed, N deleted". */
    public String describe() {
        return "%d created, %d rewritten, %d renamed, %d deleted"
                .formatted(counts[0], counts[1], counts[2], counts[3]);
    }

    private void create() throws IOException {
        String name = "d%d/f%05d.dat".formatted(random.nextInt(5), next++);
        write(name);
        names.add(name);
        counts[0]++;
    }

    private void rewrite() throws IOException {
        write(names.get(random.nextInt(names.size())));
        counts[1]++;
    }

    private void rename() throws IOException {
        int i = random.nextInt(names.size());
        String from = names.get(i);
        String to = "d%d/r%05d.dat".formatted(random.nextInt(5), next++);
        Files.createDirectories(root.resolve(to).getParent());
        Files.move(root.resolve(from), root.resolve(to), StandardCopyOption.ATOMIC_MOVE);
        expected.put(to, expected.remove(from));
        names.set(i, to);
        counts[2]++;
    }

    private void delete() throws IOException {
        String name = names.remove(random.nextInt(names.size()));
        Files.delete(root.resolve(name));
        expected.remove(name);
        counts[3]++;
    }

    private void write(String name) throws IOException {
        byte[] content = new byte[512 + random.nextInt(32 * 1024)];
        random.nextBytes(content);
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        expected.put(name, FileTree.fingerprint(content));
    }
}
