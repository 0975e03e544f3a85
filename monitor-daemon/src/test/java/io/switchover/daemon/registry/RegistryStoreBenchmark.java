package io.switchover.daemon.registry;

import io.switchover.core.registry.RegistryException;
import io.switchover.daemon.registry.MvRegistryStore.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Prints the registry store's figures recorded in docs/benchmarks.md:
 *
 * <ol>
 *   <li>one-entry commits, one after the other, with {@link Durability#FSYNC} and {@link
 *       Durability#WRITE}: commits/s and latency p50/p99/p99.9/max of put + commit, over a
 *       10,000-key working set;
 *   <li>loading 1,000,000 entries of about 60 bytes (key and value) in commits of 10,000 (FSYNC),
 *       the file's size after; then 100 commits of 10,000 random overwrites; the time to reopen the
 *       store and to scan it;
 *   <li>the file's size through 200,000 one-entry commits overwriting a 10,000-key working set
 *       (WRITE, to be quick: compaction and space reuse do not depend on the durability).
 * </ol>
 *
 * Run: {@code mvn -q -pl monitor-daemon test-compile exec:exec@bench} (see the pom). Options:
 * {@code -Dbench.commitSeconds=10 -Dbench.spaceCommits=200000 -Dbench.dir=target}. The files go to
 * a new directory under {@code bench.dir} (the disk being measured) and are deleted after.
 */
public final class RegistryStoreBenchmark {
    private static final int WORKING_SET = 10_000;
    private static final int LOAD_ENTRIES = 1_000_000;
    private static final int LOAD_BATCH = 10_000;
    private static final int CHURN_BATCHES = 100;

    private RegistryStoreBenchmark() {}

    public static void main(String[] args) throws Exception {
        int commitSeconds = Integer.getInteger("bench.commitSeconds", 10);
        int spaceCommits = Integer.getInteger("bench.spaceCommits", 200_000);
        Path parent = Path.of(System.getProperty("bench.dir", "target"));
        Files.createDirectories(parent);
        Path directory = Files.createTempDirectory(parent.toAbsolutePath(), "registry-bench");
        System.out.printf(
                "registry store benchmark in %s (%s, %s)%n",
                directory, System.getProperty("java.vm.name"), System.getProperty("java.version"));
        try {
            for (Durability durability : Durability.values()) {
                commits(
                        directory.resolve("commits-" + durability + ".mv.db"),
                        durability,
                        commitSeconds);
            }
            load(directory.resolve("load.mv.db"));
            space(directory.resolve("space.mv.db"), spaceCommits);
        } finally {
            deleteRecursively(directory);
        }
    }

    private static void commits(Path file, Durability durability, int seconds)
            throws RegistryException {
        try (MvRegistryStore store = MvRegistryStore.open(file, durability)) {
            fillWorkingSet(store);
            Random random = new Random(1);
            // Warm-up: the JIT, the page cache, and the store's first compactions.
            for (int c = 0; c < 2_000; c++) {
                overwriteOne(store, random, c);
            }
            long[] latencies = new long[1 << 20];
            int count = 0;
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long now = start;
            while (now < end && count < latencies.length) {
                overwriteOne(store, random, count);
                long after = System.nanoTime();
                latencies[count++] = after - now;
                now = after;
            }
            double elapsed = (now - start) / 1e9;
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            System.out.printf(
                    "1-entry commits, %s: %,d in %.1f s = %,.0f commits/s; latency p50 %s,"
                            + " p99 %s, p99.9 %s, max %s; file %s%n",
                    durability,
                    count,
                    elapsed,
                    count / elapsed,
                    micros(percentile(sorted, 0.50)),
                    micros(percentile(sorted, 0.99)),
                    micros(percentile(sorted, 0.999)),
                    micros(sorted[count - 1]),
                    mib(store.fileSize()));
        }
    }

    private static void load(Path file) throws RegistryException {
        long start = System.nanoTime();
        long slowestBatch = 0;
        try (MvRegistryStore store = MvRegistryStore.open(file)) {
            for (int batch = 0; batch < LOAD_ENTRIES / LOAD_BATCH; batch++) {
                long batchStart = System.nanoTime();
                for (int i = 0; i < LOAD_BATCH; i++) {
                    int n = batch * LOAD_BATCH + i;
                    // 30 + 30 characters.
                    store.entries()
                            .put(
                                    String.format("/site/area%03d/line%06d/name", n % 1000, n),
                                    String.format("value-%08d-abcdefghijklmnop", n));
                }
                store.commit();
                slowestBatch = Math.max(slowestBatch, System.nanoTime() - batchStart);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "load %,d entries in commits of %,d (FSYNC): %.1f s = %,.0f entries/s,"
                            + " slowest batch (puts and commit) %s; file %s%n",
                    LOAD_ENTRIES,
                    LOAD_BATCH,
                    seconds,
                    LOAD_ENTRIES / seconds,
                    millis(slowestBatch),
                    mib(store.fileSize()));
        }
        churn(file);
        long openStart = System.nanoTime();
        try (MvRegistryStore store = MvRegistryStore.open(file)) {
            long opened = System.nanoTime() - openStart;
            long scanStart = System.nanoTime();
            long[] count = {0};
            store.entries()
                    .scan(
                            "",
                            null,
                            (key, value) -> {
                                count[0]++;
                                return true;
                            });
            System.out.printf(
                    "reopen the %,d-entry store: %s; scan all of it: %s%n",
                    count[0], millis(opened), millis(System.nanoTime() - scanStart));
        }
    }

    /** Overwrites random entries of the loaded store, 10,000 a commit, watching the file. */
    private static void churn(Path file) throws RegistryException {
        try (MvRegistryStore store = MvRegistryStore.open(file)) {
            Random random = new Random(3);
            long largest = store.fileSize();
            long start = System.nanoTime();
            for (int batch = 1; batch <= CHURN_BATCHES; batch++) {
                for (int i = 0; i < LOAD_BATCH; i++) {
                    int n = random.nextInt(LOAD_ENTRIES);
                    store.entries()
                            .put(
                                    String.format("/site/area%03d/line%06d/name", n % 1000, n),
                                    String.format("changed-%06d-abcdefghijklmnop", batch));
                }
                store.commit();
                largest = Math.max(largest, store.fileSize());
            }
            System.out.printf(
                    "then %,d commits of %,d random overwrites: %.1f s; file %s, largest %s%n",
                    CHURN_BATCHES,
                    LOAD_BATCH,
                    (System.nanoTime() - start) / 1e9,
                    mib(store.fileSize()),
                    mib(largest));
        }
    }

    private static void space(Path file, int commits) throws RegistryException {
        try (MvRegistryStore store = MvRegistryStore.open(file, Durability.WRITE)) {
            fillWorkingSet(store);
            System.out.printf(
                    "space: %,d one-entry commits over a %,d-key working set (WRITE), compaction"
                            + " every %,d commits; after the initial load: file %s%n",
                    commits,
                    WORKING_SET,
                    MvRegistryStore.COMPACT_EVERY_COMMITS,
                    mib(store.fileSize()));
            Random random = new Random(2);
            long largest = 0;
            long start = System.nanoTime();
            for (int c = 1; c <= commits; c++) {
                overwriteOne(store, random, c);
                largest = Math.max(largest, store.fileSize());
                if (c % (commits / 10) == 0) {
                    System.out.printf(
                            "  after %,7d commits: file %s, largest so far %s (%.0f s)%n",
                            c,
                            mib(store.fileSize()),
                            mib(largest),
                            (System.nanoTime() - start) / 1e9);
                }
            }
        }
        System.out.printf("  after close: file %s%n", mib(sizeOf(file)));
    }

    private static void fillWorkingSet(MvRegistryStore store) throws RegistryException {
        for (int k = 0; k < WORKING_SET; k++) {
            store.entries().put(workingSetKey(k), "initial");
        }
        store.commit();
    }

    /** One key of the working set gets a new value; the commit is what is measured. */
    private static void overwriteOne(MvRegistryStore store, Random random, int c)
            throws RegistryException {
        store.entries().put(workingSetKey(random.nextInt(WORKING_SET)), "value-" + c);
        store.commit();
    }

    private static String workingSetKey(int k) {
        return String.format("/site/lines/line%05d/setting", k);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String micros(long nanos) {
        return nanos < 1_000_000
                ? String.format("%d µs", nanos / 1_000)
                : String.format("%.2f ms", nanos / 1e6);
    }

    private static String millis(long nanos) {
        return String.format("%.0f ms", nanos / 1e6);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
