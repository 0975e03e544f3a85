package io.switchover.daemon.registry;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.registry.KeyPath;
import io.switchover.core.registry.Registry;
import io.switchover.core.registry.RegistryLimits;
import io.switchover.core.state.State;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Registry replication figures between two real daemons on loopback (docs/benchmarks.md, "Registry
 * replication"): initial sync of a large tree to an empty backup, re-sync after 0 / 100 / 10,000
 * differences, and change propagation (commit on the primary to durable acknowledgement by the
 * backup) at fixed write rates. Run with {@code mvn -q -pl monitor-daemon test-compile
 * exec:exec@registry-bench}; {@code -Dbench.keys=N} changes the tree size.
 */
public final class RegistryReplicationBench {
    private static final Duration LONG = Duration.ofMinutes(10);

    private RegistryReplicationBench() {}

    public static void main(String[] args) throws Exception {
        int keys = Integer.getInteger("bench.keys", 1_000_000);
        int seconds = Integer.getInteger("bench.rateSeconds", 10);
        Path dir = Files.createTempDirectory("switchover-registry-bench");
        System.out.printf(
                "registry replication benchmark: %,d keys, %d cores, java %s%n",
                keys,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        String durability = System.getProperty("bench.durability", "fsync");
        System.out.printf("registry.durability: %s%n", durability);
        try (TestPair pair =
                TestPair.builder(dir)
                        .a(y -> y.registryDurability(durability))
                        .b(y -> y.registryDurability(durability))
                        .build()) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            long t0 = System.nanoTime();
            populate(a.dataDir(), keys);
            System.out.printf(
                    "populated node-a's store directly: %,d keys in %.1f s%n",
                    keys, (System.nanoTime() - t0) / 1e9);
            a.start();
            a.awaitState(State.PRIMARY);

            // 1. Initial sync to an empty backup.
            b.start();
            b.awaitState(State.BACKUP);
            JsonNode first = awaitComparison(b);
            System.out.println();
            System.out.println("| run | differences | time | bytes | messages |");
            System.out.println("| --- | ---: | ---: | ---: | ---: |");
            row("initial sync to an empty backup", keys, first);
            long fullBytes = first.path("bytes").asLong();

            // 2. Re-sync after differences made while the backup was away.
            for (int diffs : new int[] {0, 100, 10_000}) {
                b.stop();
                RegistryService primary = a.daemon().registry();
                int step = Math.max(1, keys / Math.max(1, diffs));
                for (int i = 0; i < diffs; i++) {
                    primary.put(
                            keyOf((i * step) % keys), Map.of("v", "changed-" + diffs + "-" + i));
                }
                b.start();
                b.awaitState(State.BACKUP);
                JsonNode r = awaitComparison(b);
                row("re-sync after " + diffs + " changes", diffs, r);
                if (diffs == 100) {
                    System.out.printf(
                            "  (100 differences: %.3f%% of the full copy's bytes)%n",
                            100.0 * r.path("bytes").asLong() / fullBytes);
                }
            }
            await().atMost(LONG).until(() -> a.daemon().registry().inSyncForMetrics());

            // 3. Propagation at fixed rates.
            System.out.println();
            System.out.println(
                    "| target writes/s | achieved | propagation p50 | p99 | max | write ack p50 |"
                            + " p99 |");
            System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (int rate : new int[] {1_000, 10_000}) {
                propagation(a.daemon().registry(), rate, seconds);
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static String keyOf(int i) {
        return "/site" + (i / 10_000) + "/line" + (i / 100 % 100) + "/key" + i;
    }

    /** Writes the tree straight into node-a's store before it starts (no replication yet). */
    private static void populate(Path dataDir, int keys) throws Exception {
        Path file = dataDir.resolve(MvRegistryStore.FILE_IN_DATA_DIRECTORY);
        Files.createDirectories(file.getParent());
        try (MvRegistryStore store = MvRegistryStore.open(file, MvRegistryStore.Durability.WRITE)) {
            Registry r = new Registry(store, RegistryLimits.DEFAULT);
            TreeMap<String, String> values = new TreeMap<>();
            for (int i = 0; i < keys; i++) {
                values.put("v", "value-" + i + "-abcdefghij");
                r.put(KeyPath.parse(keyOf(i), RegistryLimits.DEFAULT), values);
                if (i % 10_000 == 9_999) {
                    r.commit();
                }
            }
            r.commit();
        }
    }

    /** Waits for the node's comparison after its latest start and returns its event. */
    private static JsonNode awaitComparison(TestNode n) {
        await("comparison done on " + n.id())
                .atMost(LONG)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> n.daemon().registry().replicaInSync());
        List<JsonNode> compared =
                n.events().stream()
                        .filter(e -> e.path("what").asText().equals("compared"))
                        .toList();
        return compared.get(compared.size() - 1);
    }

    private static void row(String what, int diffs, JsonNode r) {
        System.out.printf(
                "| %s | %,d | %,d ms | %,d | %,d |%n",
                what,
                diffs,
                r.path("millis").asLong(),
                r.path("bytes").asLong(),
                r.path("messages").asLong());
    }

    private static void propagation(RegistryService primary, int rate, int seconds)
            throws Exception {
        int total = rate * seconds;
        ConcurrentLinkedQueue<Long> propagated = new ConcurrentLinkedQueue<>();
        long[] acks = new long[total];
        LongConsumer observer = propagated::add;
        primary.observePropagation(observer);
        AtomicInteger next = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        int threads = Math.max(4, rate / 250);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime() + 50_000_000;
        long interval = 1_000_000_000L / rate;
        for (int t = 0; t < threads; t++) {
            pool.execute(
                    () -> {
                        int i;
                        while ((i = next.getAndIncrement()) < total) {
                            long due = start + i * interval;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            long before = System.nanoTime();
                            try {
                                primary.put("/bench/r" + rate + "/k" + i, Map.of("v", "x" + i));
                                acks[i] = System.nanoTime() - before;
                            } catch (Exception e) {
                                failures.incrementAndGet();
                            }
                        }
                    });
        }
        pool.shutdown();
        if (!pool.awaitTermination(seconds * 10L + 60, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("writers did not finish");
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        await().atMost(LONG).until(() -> propagated.size() >= total - failures.get());
        primary.stopObservingPropagation(observer);
        long[] p = propagated.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] w = Arrays.stream(acks).filter(x -> x > 0).sorted().toArray();
        System.out.printf(
                "| %,d | %,.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%s%n",
                rate,
                total / elapsed,
                ms(pct(p, 0.50)),
                ms(pct(p, 0.99)),
                ms(p[p.length - 1]),
                ms(pct(w, 0.50)),
                ms(pct(w, 0.99)),
                failures.get() > 0 ? " (" + failures.get() + " writes failed)" : "");
    }

    private static long pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
