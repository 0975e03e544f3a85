package io.switchover.daemon.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.state.State;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons; the backup's copy of a continuous directory lives on a 4 MiB tmpfs that a local 3
 * MiB file (excluded from mirroring) nearly fills. A 2 MiB file on the primary does not fit: the
 * backup reports the full disk in its status, keeps the good copy it had, leaves no partial file;
 * once the local file is removed, the primary's retry puts the new file in place.
 */
class BackupDiskFullTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    /** The longest pause between two retries of a failing transfer (32 x the 1 s retry delay). */
    private static final Duration RETRY_BACKOFF_MAX = Duration.ofSeconds(32);

    @TempDir Path dir;
    private Path small;
    private boolean mounted;

    @BeforeEach
    void mountASmallDisk() throws Exception {
        small = Files.createDirectories(dir.resolve("b-files"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString());
        assumeTrue(mounted, "mounting a 4 MiB tmpfs needs root; the disk-full test is skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            assertThat(run("umount", small.toString())).as("umount " + small).isTrue();
        }
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void backupDiskFull_clearErrorGoodCopyKept_thenRetriedWhenThereIsRoom() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a-files/data"));
        Path b = Files.createDirectories(small.resolve("data"));
        byte[] good = random(100_000, 1);
        Files.write(a.resolve("big.bin"), good);
        try (TestPair pair = startPair(a, b)) {
            TestNode backup = pair.b();
            await().atMost(WAIT).until(() -> mirror(backup).path("inSync").asBoolean());
            assertThat(Files.readAllBytes(b.resolve("big.bin"))).isEqualTo(good);

            Files.write(b.resolve("filler.tmp"), random(3 << 20, 2)); // the backup's own
            byte[] large = random(2 << 20, 3);
            Files.write(a.resolve("big.bin"), large);

            awaitDiskFullReported(backup);
            assertThat(Files.readAllBytes(b.resolve("big.bin"))).isEqualTo(good);
            try (var files = Files.list(b)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("big.bin", "filler.tmp");
            }

            Files.delete(b.resolve("filler.tmp"));
            await("the primary's retry lands once there is room")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () ->
                                    java.util.Arrays.equals(
                                            Files.readAllBytes(b.resolve("big.bin")), large));
        }
    }

    /**
     * A controlled switchover asked while a file cannot reach the backup (its disk is full) must
     * not complete on the strength of an empty queue: the failed transfer waits for its retry, the
     * drain waits for it, and the handover is abandoned when the drain cannot finish. Once there is
     * room, a second switchover drains and the new primary has the file.
     */
    @Test
    void switchoverWhileAFileCannotReachTheBackup_notHandedOverUntilItDoes() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a-files/data"));
        Path b = Files.createDirectories(small.resolve("data"));
        byte[] good = random(100_000, 1);
        Files.write(a.resolve("big.bin"), good);
        try (TestPair pair = startPair(a, b)) {
            TestNode primary = pair.a();
            TestNode backup = pair.b();
            await().atMost(WAIT).until(() -> mirror(backup).path("inSync").asBoolean());
            Files.write(b.resolve("filler.tmp"), random(3 << 20, 2)); // the backup's own
            byte[] large = random(2 << 20, 3);
            Files.write(a.resolve("big.bin"), large);
            awaitDiskFullReported(backup);

            assertThat(backup.admin().post("switch").status()).isEqualTo(200);
            // Both sides give up after handover.timeout; whichever does first, the primary records
            // the abandoned switchover, naming the drain ("replication did not drain" on its own
            // timer, "did not confirm that replication drained" when the backup's fires first).
            await("the handover is abandoned: the drain cannot finish")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () ->
                                    primary.events().stream()
                                            .anyMatch(
                                                    e ->
                                                            e.path("kind")
                                                                            .asText()
                                                                            .equals(
                                                                                    "HANDOVER_ABORTED")
                                                                    && e.path("detail")
                                                                            .asText()
                                                                            .contains("drain")));
            assertThat(backup.transitions())
                    .noneMatch(t -> t.path("to").asText().equals("PRIMARY"));
            assertThat(primary.state()).isEqualTo(State.PRIMARY);

            Files.delete(b.resolve("filler.tmp"));
            await("the primary's retry lands once there is room")
                    .atMost(RETRY_BACKOFF_MAX.plus(WAIT))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () ->
                                    java.util.Arrays.equals(
                                            Files.readAllBytes(b.resolve("big.bin")), large));
            assertThat(backup.admin().post("switch").status()).isEqualTo(200);
            backup.awaitState(State.PRIMARY);
            assertThat(Files.readAllBytes(b.resolve("big.bin"))).isEqualTo(large);
        }
    }

    /** node-a mirrors {@code a} into node-b's {@code b} (and the reverse once roles swap). */
    private TestPair startPair(Path a, Path b) throws Exception {
        return TestPair.builder(dir)
                .a(y -> y.mirror(entry(a, b)))
                .b(y -> y.mirror(entry(b, a)))
                .build()
                .start();
    }

    private static void awaitDiskFullReported(TestNode backup) {
        await("the backup reports its full disk")
                .atMost(WAIT)
                .until(
                        () ->
                                mirror(backup)
                                        .path("directories")
                                        .get(0)
                                        .path("lastError")
                                        .asText()
                                        .contains("disk is full"));
    }

    private static String[] entry(Path mine, Path peers) {
        return new String[] {
            "continuous:",
            "  - {path: '+" + mine + "', target: '" + peers + "', exclude: ['*.tmp']}"
        };
    }

    private static JsonNode mirror(TestNode n) {
        return n.status().path("replication").path("mirror");
    }
}
