package io.switchover.daemon.mirror;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.state.State;
import io.switchover.daemon.config.ConfigLoader;
import io.switchover.daemon.config.DaemonConfig;
import io.switchover.daemon.testing.NodeYaml;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Directory mirroring figures between two real daemons on loopback, next to rsync (docs/benchmarks
 * .md, "Directory mirroring"): the initial mirror of a tree into an empty backup, the re-sync after
 * a few files changed while the backup was away, and the latency of continuous mirroring (a file
 * closed on the primary to the whole file visible on the backup). Run with {@code mvn -q -pl
 * monitor-daemon test-compile exec:exec@mirror-bench}; parameters below.
 *
 * <p>Every wait is bounded, every trees' comparison afterwards is exact (type, size, mode, time,
 * SHA-256 of every file) and a difference fails the run. All traffic is on 127.0.0.1.
 */
public final class MirrorBench {
    private static final Duration LONG = Duration.ofMinutes(10);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration STATUS_POLL = Duration.ofMillis(20);
    private static final int LATENCY_FILE_BYTES = 4096;
    private static final long MIB = 1024 * 1024;

    /** The run's parameters, from system properties. */
    private record Params(
            int files, int megabytes, int changed, int rate, int seconds, Path dir, boolean fsync) {
        static Params fromSystemProperties() {
            Params p =
                    new Params(
                            Integer.getInteger("bench.files", 10_000),
                            Integer.getInteger("bench.megabytes", 500),
                            Integer.getInteger("bench.changed", 10),
                            Integer.getInteger("bench.rate", 100),
                            Integer.getInteger("bench.seconds", 20),
                            Path.of(
                                    System.getProperty(
                                            "bench.dir", System.getProperty("java.io.tmpdir"))),
                            Boolean.getBoolean("bench.rsyncFsync"));
            check(p.files >= 1 && p.files <= 999_999, "bench.files: 1 to 999,999");
            check(p.megabytes >= 1 && p.megabytes <= 100_000, "bench.megabytes: 1 to 100,000");
            check(p.changed >= 1 && p.changed <= p.files / 2, "bench.changed: 1 to bench.files/2");
            check(p.rate >= 1 && p.rate <= 10_000, "bench.rate: 1 to 10,000 files/s");
            check(p.seconds >= 1 && p.seconds <= 3_600, "bench.seconds: 1 to 3,600");
            return p;
        }

        private static void check(boolean ok, String rule) {
            if (!ok) {
                throw new IllegalArgumentException(rule);
            }
        }
    }

    /** What one switchover comparison took: wall time seen from the backup, and the source's. */
    private record Sync(long wallNanos, long comparedMillis, long transferred, long bytes) {}

    /** Continuous mirroring: per file, close on the primary to whole on the backup. */
    private record Latency(
            int written, int arrived, double achievedRate, long lagMaxNanos, long[] sorted) {}

    private MirrorBench() {}

    public static void main(String[] args) throws Exception {
        Params p = Params.fromSystemProperties();
        Files.createDirectories(p.dir);
        Path dir = Files.createTempDirectory(p.dir, "switchover-mirror-bench");
        try {
            run(p, dir);
        } finally {
            deleteTree(dir);
        }
    }

    private static void run(Params p, Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("a-files/tree"));
        Path dst = Files.createDirectories(dir.resolve("b-files/tree"));
        Path rsyncDest = dir.resolve("rsync/tree");
        boolean rsync = RsyncDaemon.installed();
        BenchTree tree = BenchTree.plan(p.files, p.megabytes * MIB);

        System.out.printf(
                "directory mirroring benchmark: %d cores, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                rsync ? RsyncDaemon.version() : "no rsync at " + RsyncDaemon.RSYNC);
        System.out.printf(
                "in %s (%s); bench.files=%d bench.megabytes=%d bench.changed=%d bench.rate=%d"
                        + " bench.seconds=%d bench.rsyncFsync=%b%n",
                dir,
                Files.getFileStore(dir).type(),
                p.files,
                p.megabytes,
                p.changed,
                p.rate,
                p.seconds,
                p.fsync);
        long need = (rsync ? 3 : 2) * tree.totalBytes() + 256 * MIB;
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < need) {
            throw new IOException(
                    String.format(
                            "%d MiB free in %s, %d MiB needed", usable / MIB, dir, need / MIB));
        }

        long t0 = System.nanoTime();
        tree.write(src);
        System.out.printf(
                "tree: %,d files in %,d directories 4 levels deep, %.1f MiB; %,d large files carry"
                        + " %.0f %% of the bytes (written in %.1f s)%n",
                tree.files().size(),
                tree.directories(),
                tree.totalBytes() / (double) MIB,
                tree.largeFiles(),
                100.0 * tree.largeBytes() / tree.totalBytes(),
                seconds(System.nanoTime() - t0));

        try (TestPair pair =
                TestPair.builder(dir)
                        .a(y -> mirror(y, src, dst))
                        .b(y -> mirror(y, dst, src))
                        .build()) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            DaemonConfig.Mirror config = ConfigLoader.load(a.configFile()).orElseThrow().mirror();
            Duration quiet = config.quietPeriod();
            System.out.printf(
                    "mirror: one continuous '+' directory, transfers %d, quiet-period %d ms,"
                            + " max-delay %d ms%n",
                    config.transfers(), quiet.toMillis(), config.maxDelay().toMillis());
            a.start();
            a.awaitState(State.PRIMARY);

            System.out.println();
            System.out.println("1. initial mirror into an empty backup");
            Sync initial = sync(a, b);
            print("switchover", initial);
            verifyIdentical(src, dst, "node-b's copy");

            RsyncDaemon.Push rsyncInitial = null;
            RsyncDaemon.Push rsyncDelta = null;
            Sync resync;
            // A null resource is allowed and not closed: no rsync, no daemon.
            try (RsyncDaemon daemon = rsync ? RsyncDaemon.start(dir, rsyncDest) : null) {
                if (daemon == null) {
                    System.out.println(
                            "rsync: not installed at " + RsyncDaemon.RSYNC + ", skipped");
                } else {
                    rsyncInitial = push(daemon, src, rsyncDest, p, initial);
                }

                System.out.println();
                System.out.printf(
                        "2. re-sync after %d files changed while the backup was away%n", p.changed);
                b.stop();
                List<String> changed = tree.change(src, p.changed);
                System.out.println("  changed: " + changed.get(0) + ", ...");
                long transferredBefore = transferred(a);
                Sync s = sync(a, b);
                awaitNothingPending(a);
                resync =
                        new Sync(
                                s.wallNanos,
                                s.comparedMillis,
                                transferred(a) - transferredBefore,
                                s.bytes);
                print("switchover", resync);
                if (s.transferred != resync.transferred) {
                    System.out.printf(
                            "  (the comparison sent %d files, %d in all by the time nothing was"
                                    + " pending)%n",
                            s.transferred, resync.transferred);
                }
                verifyIdentical(src, dst, "node-b's copy");
                if (daemon != null) {
                    rsyncDelta = push(daemon, src, rsyncDest, p, resync);
                }
            }

            System.out.println();
            System.out.printf(
                    "3. continuous: new %d-byte files at %d/s for %d s (mirror.quiet-period %d ms"
                            + " is part of every figure)%n",
                    LATENCY_FILE_BYTES, p.rate, p.seconds, quiet.toMillis());
            // The phases before wrote about four times the tree's size; without this, the
            // kernel's writeback of those bytes (30 s after they were written) lands in this
            // phase and every fsync of the backup waits behind it.
            flushPageCache();
            Latency latency = continuous(src.resolve("incoming"), dst.resolve("incoming"), p);
            print(latency);
            verifyIdentical(src.resolve("incoming"), dst.resolve("incoming"), "incoming on node-b");

            summary(p, tree, quiet, initial, rsyncInitial, resync, rsyncDelta, latency);
        }
    }

    /** Both nodes mirror the one tree, each naming its own path and the other's (the target). */
    private static void mirror(NodeYaml y, Path own, Path peers) {
        y.mirror("continuous:", "  - path: '+" + own + "'", "    target: '" + peers + "'");
    }

    // ------------------------------------------------------------------ comparisons

    /**
     * Starts node-b and times it to in sync, polling its status; then the source's own figures from
     * the {@code compared} event it records.
     */
    private static Sync sync(TestNode a, TestNode b) throws Exception {
        JsonNode before = lastCompared(a);
        long t0 = System.nanoTime();
        b.start();
        await("node-b's mirror in sync")
                .atMost(LONG)
                .pollDelay(Duration.ZERO)
                .pollInterval(STATUS_POLL)
                .ignoreExceptions()
                .until(() -> mirrorStatus(b).path("inSync").asBoolean());
        long wall = System.nanoTime() - t0;
        JsonNode compared =
                await("node-a's compared event")
                        .atMost(SETTLE)
                        .pollInterval(STATUS_POLL)
                        .until(() -> lastCompared(a), e -> e != null && !e.equals(before));
        return new Sync(
                wall,
                compared.path("millis").asLong(),
                compared.path("transferred").asLong(),
                compared.path("bytes").asLong());
    }

    /**
     * The same with rsync: pushes node-a's tree into the rsync daemon's copy, next to {@code sync}.
     */
    private static RsyncDaemon.Push push(
            RsyncDaemon daemon, Path src, Path copy, Params p, Sync sync) throws Exception {
        RsyncDaemon.Push r = daemon.push(src, p.fsync, LONG);
        print("rsync", r);
        System.out.printf("  switchover / rsync: %.2f%n", sync.wallNanos / (double) r.nanos());
        verifyIdentical(src, copy, "rsync's copy");
        return r;
    }

    private static JsonNode mirrorStatus(TestNode n) {
        return n.status().path("replication").path("mirror");
    }

    /** node-a's latest {@code mirror}/{@code compared} history event, or null. */
    private static JsonNode lastCompared(TestNode a) {
        List<JsonNode> compared =
                a.events().stream()
                        .filter(e -> e.path("type").asText().equals("mirror"))
                        .filter(e -> e.path("what").asText().equals("compared"))
                        .toList();
        return compared.isEmpty() ? null : compared.get(compared.size() - 1);
    }

    /** Files the source has sent since it started, over all directories. */
    private static long transferred(TestNode a) {
        long sum = 0;
        for (JsonNode d : mirrorStatus(a).path("directories")) {
            sum += d.path("transferred").asLong();
        }
        return sum;
    }

    /** Changes noticed during the comparison may still ship after it; wait them out. */
    private static void awaitNothingPending(TestNode a) {
        await("nothing pending on node-a")
                .atMost(SETTLE)
                .pollInterval(STATUS_POLL)
                .until(
                        () -> {
                            for (JsonNode d : mirrorStatus(a).path("directories")) {
                                if (d.path("pending").asLong() != 0) {
                                    return false;
                                }
                            }
                            return true;
                        });
    }

    /** Fails the run, naming the first differences, unless both trees are exactly equal. */
    private static void verifyIdentical(Path primary, Path copy, String what) {
        long t0 = System.nanoTime();
        Map<String, String> expected = Trees.snapshot(primary);
        Map<String, String> actual = Trees.snapshot(copy);
        if (!expected.equals(actual)) {
            TreeSet<String> paths = new TreeSet<>(expected.keySet());
            paths.addAll(actual.keySet());
            List<String> differences = new ArrayList<>();
            for (String path : paths) {
                if (!Objects.equals(expected.get(path), actual.get(path))) {
                    differences.add(
                            path
                                    + ": primary "
                                    + expected.get(path)
                                    + ", copy "
                                    + actual.get(path));
                }
            }
            differences.subList(0, Math.min(10, differences.size())).forEach(System.out::println);
            throw new IllegalStateException(
                    what + " differs from node-a's tree in " + differences.size() + " paths");
        }
        long files = expected.values().stream().filter(v -> v.startsWith("file ")).count();
        System.out.printf(
                "  verified %s: %,d files identical (size, mode, time, SHA-256) in %.1f s%n",
                what, files, seconds(System.nanoTime() - t0));
    }

    // ------------------------------------------------------------------ continuous

    /** {@code sync}: writes every dirty page out, so one phase does not pay for another's. */
    private static void flushPageCache() throws Exception {
        Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (!sync.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            sync.destroyForcibly();
            throw new IllegalStateException("sync did not finish within 5 minutes");
        }
    }

    private static Latency continuous(Path incoming, Path arriving, Params p) throws Exception {
        Files.createDirectories(incoming);
        await("incoming/ on node-b").atMost(SETTLE).until(() -> Files.isDirectory(arriving));
        int total = p.rate * p.seconds;
        long[] closedAt = new long[total];
        long lagMax = 0;
        ByteBuffer buf = ByteBuffer.allocateDirect(LATENCY_FILE_BYTES);
        long elapsed;
        try (Arrivals arrivals =
                new Arrivals(arriving, total, LATENCY_FILE_BYTES, MirrorBench::latencyIndex)) {
            long interval = 1_000_000_000L / p.rate;
            long start = System.nanoTime() + 50_000_000;
            for (int i = 0; i < total; i++) {
                // Open loop: file i is due at start + i * interval however late the others were.
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                lagMax = Math.max(lagMax, System.nanoTime() - due);
                BenchTree.writeRandom(
                        incoming.resolve(latencyName(i)),
                        LATENCY_FILE_BYTES,
                        BenchTree.SEED + i,
                        buf);
                closedAt[i] = System.nanoTime();
            }
            elapsed = closedAt[total - 1] - start;
            int arrived = arrivals.awaitAll(SETTLE);
            if (arrivals.wrongSize() > 0 || arrivals.overflows() > 0) {
                System.out.printf(
                        "  %d files first seen with a wrong size, %d watch overflows (times after"
                                + " an overflow are late)%n",
                        arrivals.wrongSize(), arrivals.overflows());
            }
            long[] latencies = new long[arrived];
            int n = 0;
            for (int i = 0; i < total; i++) {
                long seen = arrivals.seenAt(i);
                if (seen != 0) {
                    latencies[n++] = seen - closedAt[i];
                }
            }
            Arrays.sort(latencies, 0, n);
            return new Latency(
                    total,
                    n,
                    total / Math.max(1e-9, seconds(elapsed)),
                    lagMax,
                    Arrays.copyOf(latencies, n));
        }
    }

    private static String latencyName(int i) {
        return String.format("f-%06d.dat", i);
    }

    /** The index of a name {@link #latencyName} made, or -1 (a partial file, say). */
    private static int latencyIndex(String name) {
        if (name.length() != 12 || !name.startsWith("f-") || !name.endsWith(".dat")) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(2, 8));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ output

    private static void print(String who, Sync s) {
        System.out.printf(
                "  %s: %.3f s from starting node-b to in sync; node-a's comparison %,d ms; %,d files"
                        + " (%,d bytes) sent%n",
                who, seconds(s.wallNanos), s.comparedMillis, s.transferred, s.bytes);
    }

    private static void print(String who, RsyncDaemon.Push r) {
        System.out.printf(
                "  %s: %.3f s; %,d files transferred, %,d bytes sent%n",
                who, r.seconds(), r.filesTransferred(), r.bytesSent());
    }

    private static void print(Latency l) {
        if (l.sorted.length == 0) {
            throw new IllegalStateException("no file reached node-b");
        }
        System.out.printf(
                "  %,d of %,d files arrived; achieved %.1f files/s (writer at most %.2f ms late)%n",
                l.arrived, l.written, l.achievedRate, ms(l.lagMaxNanos));
        System.out.printf(
                "  close on node-a -> whole on node-b: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                ms(pct(l.sorted, 0.50)),
                ms(pct(l.sorted, 0.99)),
                ms(l.sorted[l.sorted.length - 1]));
        if (l.arrived < l.written) {
            throw new IllegalStateException(
                    (l.written - l.arrived) + " files did not reach node-b within " + SETTLE);
        }
    }

    /** The block for docs/benchmarks.md. */
    private static void summary(
            Params p,
            BenchTree tree,
            Duration quiet,
            Sync initial,
            RsyncDaemon.Push rsyncInitial,
            Sync resync,
            RsyncDaemon.Push rsyncDelta,
            Latency l) {
        System.out.println();
        System.out.println("---- summary for docs/benchmarks.md ----");
        System.out.printf(
                "%,d files, %.0f MiB (%,d large files: %.0f %%), %d cores%s%n",
                tree.files().size(),
                tree.totalBytes() / (double) MIB,
                tree.largeFiles(),
                100.0 * tree.largeBytes() / tree.totalBytes(),
                Runtime.getRuntime().availableProcessors(),
                p.fsync ? ", rsync --fsync" : "");
        System.out.println();
        System.out.println(
                "| run | switchover | (node-a's comparison) | rsync | switchover / rsync |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        System.out.printf(
                "| initial mirror, empty backup | %s | %s | %s | %s |%n",
                secondsText(initial.wallNanos),
                millisText(initial.comparedMillis),
                rsyncInitial == null ? "-" : secondsText(rsyncInitial.nanos()),
                ratio(initial.wallNanos, rsyncInitial));
        System.out.printf(
                "| re-sync, %d files changed | %s | %s | %s | %s |%n",
                p.changed,
                secondsText(resync.wallNanos),
                millisText(resync.comparedMillis),
                rsyncDelta == null ? "-" : secondsText(rsyncDelta.nanos()),
                ratio(resync.wallNanos, rsyncDelta));
        System.out.printf(
                "| files transferred in the re-sync | %,d | | %s | |%n",
                resync.transferred,
                rsyncDelta == null ? "-" : String.format("%,d", rsyncDelta.filesTransferred()));
        System.out.println();
        System.out.println(
                "| continuous, close on node-a -> whole file on node-b | files | p50 | p99 | max |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        System.out.printf(
                "| %d-byte files at %d/s for %d s, quiet-period %d ms | %,d | %.1f ms | %.1f ms |"
                        + " %.1f ms |%n",
                LATENCY_FILE_BYTES,
                p.rate,
                p.seconds,
                quiet.toMillis(),
                l.arrived,
                ms(pct(l.sorted, 0.50)),
                ms(pct(l.sorted, 0.99)),
                ms(l.sorted[l.sorted.length - 1]));
    }

    private static String ratio(long switchoverNanos, RsyncDaemon.Push rsync) {
        return rsync == null
                ? "-"
                : String.format("%.2f", switchoverNanos / (double) rsync.nanos());
    }

    private static String secondsText(long nanos) {
        return nanos >= 10_000_000_000L
                ? String.format("%.1f s", seconds(nanos))
                : String.format("%,.0f ms", ms(nanos));
    }

    private static String millisText(long millis) {
        return secondsText(millis * 1_000_000);
    }

    private static long pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
