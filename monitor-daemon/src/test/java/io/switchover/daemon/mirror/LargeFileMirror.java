package io.switchover.daemon.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.state.State;
import io.switchover.daemon.testing.TestPair;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Mirrors one large file between two daemons in this JVM and prints what a heap-capped run needs to
 * show: {@code SAME <sha256>} when the backup's copy is identical, how long it took, and the heap's
 * peak use. Run in a child JVM with {@code -Xmx} set (see {@code LargeFileMirrorTest}, and the 2
 * GiB / 128 MiB figure in docs/benchmarks.md).
 *
 * <p>Arguments: a working directory, the file's size in MiB.
 */
public final class LargeFileMirror {
    private LargeFileMirror() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long mib = Long.parseLong(args[1]);
        Path a = Files.createDirectories(dir.resolve("a-files"));
        Path b = Files.createDirectories(dir.resolve("b-files"));
        Path file = a.resolve("large.bin");
        writeRandom(file, mib << 20);
        try (TestPair pair =
                TestPair.builder(dir)
                        .a(y -> y.mirror(entry(a, b)))
                        .b(y -> y.mirror(entry(b, a)))
                        .build()) {
            pair.a().start();
            pair.a().awaitState(State.PRIMARY);
            long start = System.nanoTime();
            pair.b().start();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!inSync(pair.b().status()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Path copy = b.resolve("large.bin");
            String want = Trees.sha256(file);
            String got = Files.exists(copy) ? Trees.sha256(copy) : "missing";
            System.out.println(
                    String.format(
                            "mirrored %d MiB in %.1f s (%.0f MiB/s); heap max %d MiB, peak used %d"
                                    + " MiB",
                            mib,
                            seconds,
                            mib / seconds,
                            Runtime.getRuntime().maxMemory() >> 20,
                            peakHeap() >> 20));
            System.out.println(want.equals(got) ? "SAME " + want : "DIFF " + want + " " + got);
        }
        System.exit(0);
    }

    /** A continuous '+' directory at {@code mine}, copied to {@code peers} on the other node. */
    private static String[] entry(Path mine, Path peers) {
        return new String[] {"continuous:", "  - {path: '+" + mine + "', target: '" + peers + "'}"};
    }

    private static boolean inSync(JsonNode status) {
        return status.path("replication").path("mirror").path("inSync").asBoolean();
    }

    private static void writeRandom(Path file, long bytes) throws Exception {
        SplittableRandom random = new SplittableRandom(2026);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = random.nextLong();
                    for (int j = 0; j < 8; j++) {
                        block[i + j] = (byte) (v >>> (8 * j));
                    }
                }
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
