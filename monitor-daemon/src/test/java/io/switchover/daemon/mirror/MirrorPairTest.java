package io.switchover.daemon.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.state.State;
import io.switchover.daemon.cli.CliRun;
import io.switchover.daemon.testing.AdminHttp;
import io.switchover.daemon.testing.NodeYaml;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons in this JVM over the real notifier on loopback, mirroring real directories: node-a's
 * directories live under {@code a-files}, node-b's copies under {@code b-files} (each node names
 * the other's path as the target). Three directories: an initial one ({@code +init}), a continuous
 * recursive one with an exclude ({@code +cont}, {@code *.tmp}) and a continuous one without
 * subdirectories ({@code flat}).
 */
class MirrorPairTest {
    private static final Duration SYNC = Duration.ofSeconds(30);

    @TempDir Path dir;
    private Path aInit;
    private Path bInit;
    private Path aCont;
    private Path bCont;
    private Path aFlat;
    private Path bFlat;

    @BeforeEach
    void directories() throws IOException {
        aInit = Files.createDirectories(dir.resolve("a-files/init"));
        bInit = Files.createDirectories(dir.resolve("b-files/init"));
        aCont = Files.createDirectories(dir.resolve("a-files/cont"));
        bCont = Files.createDirectories(dir.resolve("b-files/cont"));
        aFlat = Files.createDirectories(dir.resolve("a-files/flat"));
        bFlat = Files.createDirectories(dir.resolve("b-files/flat"));
    }

    private static void mirror(
            NodeYaml y,
            Path init,
            Path peerInit,
            Path cont,
            Path peerCont,
            Path flat,
            Path peerFlat) {
        y.mirror(
                "quiet-period: 20ms",
                "initial:",
                "  - path: '+" + init + "'",
                "    target: '" + peerInit + "'",
                "continuous:",
                "  - path: '+" + cont + "'",
                "    target: '" + peerCont + "'",
                "    exclude: ['*.tmp']",
                "  - path: '" + flat + "'",
                "    target: '" + peerFlat + "'");
    }

    private TestPair pair() throws IOException {
        return TestPair.builder(dir)
                .a(y -> mirror(y, aInit, bInit, aCont, bCont, aFlat, bFlat))
                .b(y -> mirror(y, bInit, aInit, bCont, aCont, bFlat, aFlat))
                .build();
    }

    private static JsonNode mirrorStatus(TestNode n) {
        return n.status().path("replication").path("mirror");
    }

    private static void awaitInSync(TestNode backup) {
        await(backup.id() + "'s mirror is in sync")
                .atMost(SYNC)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> mirrorStatus(backup).path("inSync").asBoolean());
    }

    /** Neither excluded nor a partial file the backup is writing right now. */
    private static boolean notTmp(String rel) {
        return !rel.endsWith(".tmp")
                && !Path.of(rel).getFileName().toString().startsWith(".switchover-partial-");
    }

    private static void awaitSame(Path primary, Path backup, boolean dirTimes) {
        await("the backup's " + backup.getFileName() + " equals the primary's")
                .atMost(SYNC)
                .pollInterval(Duration.ofMillis(50))
                // A file may be renamed away while it is read: look again.
                .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class)
                .untilAsserted(
                        () ->
                                assertThat(Trees.snapshot(backup, dirTimes, MirrorPairTest::notTmp))
                                        .isEqualTo(
                                                Trees.snapshot(
                                                        primary,
                                                        dirTimes,
                                                        MirrorPairTest::notTmp)));
    }

    private static final long OLD = 1_600_000_000L;

    // ------------------------------------------------------------------ comparison

    @Test
    void backupStarts_initialAndContinuousDirectoriesBecomeIdentical_excludedFilesLeftAlone()
            throws Exception {
        // The primary's trees: four levels, small and larger files, modes, a link inside.
        Trees.write(aInit.resolve("tls/server.pem"), "cert", OLD, "rw-------");
        Trees.write(
                aInit.resolve("tables/t1/part/rows.csv"), "a,b\n".repeat(50_000), OLD, "rw-r--r--");
        Trees.write(aInit.resolve("tables/t1/part/empty"), "", OLD, "rw-r--r--");
        Files.createSymbolicLink(aInit.resolve("tables/current"), Path.of("t1"));
        Trees.write(aCont.resolve("handlers/h1.js"), "h1", OLD, "rwxr-xr-x");
        Trees.write(aCont.resolve("scratch.tmp"), "not mirrored", OLD, "rw-r--r--");
        Trees.write(aFlat.resolve("top.txt"), "top", OLD, "rw-r--r--");
        Trees.write(aFlat.resolve("sub/deeper.txt"), "not mirrored: flat", OLD, "rw-r--r--");
        // The backup's stale copies: a file the primary no longer has, a file whose content
        // differs at the same size, a file equal in content but not in time, a local excluded file.
        Trees.write(bInit.resolve("tls/old.pem"), "gone", OLD, "rw-------");
        Trees.write(
                bInit.resolve("tables/t1/part/rows.csv"),
                "x,y\n".repeat(50_000),
                OLD + 5,
                "rw-r--r--");
        Trees.write(bCont.resolve("handlers/h1.js"), "h1", OLD + 9, "rw-r--r--");
        Trees.write(bCont.resolve("keep.tmp"), "the backup's own", OLD, "rw-r--r--");

        try (TestPair pair = pair().start()) {
            pair.b().awaitState(State.BACKUP);
            awaitInSync(pair.b());
            assertThat(Trees.snapshot(bInit, true, p -> true))
                    .isEqualTo(Trees.snapshot(aInit, true, p -> true));
            assertThat(Trees.snapshot(bCont, true, MirrorPairTest::notTmp))
                    .isEqualTo(Trees.snapshot(aCont, true, MirrorPairTest::notTmp));
            assertThat(bCont.resolve("keep.tmp")).hasContent("the backup's own");
            assertThat(bCont.resolve("scratch.tmp")).doesNotExist();
            assertThat(bFlat.resolve("top.txt")).hasContent("top");
            assertThat(bFlat.resolve("sub")).doesNotExist();
            assertThat(bInit.resolve("tls/old.pem")).doesNotExist();

            JsonNode source = mirrorStatus(pair.a());
            assertThat(source.path("role").asText()).isEqualTo("source");
            assertThat(source.path("backupInSync").asBoolean()).isTrue();
            JsonNode init = source.path("directories").get(0);
            assertThat(init.path("directory").asText()).isEqualTo(aInit.toString());
            assertThat(init.path("peerPath").asText()).isEqualTo(bInit.toString());
            assertThat(init.path("files").asLong()).isEqualTo(3);
            assertThat(init.path("pending").asLong()).isZero();
            assertThat(init.path("lastSync").asText()).isNotEqualTo("never");
            // Only what differed was sent: rows.csv (content), empty, server.pem; h1.js only
            // had its mode and time set.
            assertThat(init.path("transferred").asLong()).isEqualTo(3);
            assertThat(source.path("directories").get(1).path("transferred").asLong()).isZero();
        }
    }

    // ------------------------------------------------------------------ continuous

    @Test
    void changesOnThePrimary_reachTheBackup_createModifyDeleteRenameAndNewDirectories()
            throws Exception {
        Trees.write(aCont.resolve("a.txt"), "a", OLD, "rw-r--r--");
        Trees.write(aCont.resolve("dir1/b.txt"), "b", OLD, "rw-r--r--");
        Trees.write(aCont.resolve("same.tmp"), "the primary's, excluded", OLD, "rw-r--r--");
        Trees.write(bCont.resolve("same.tmp"), "the backup's own", OLD, "rw-r--r--");
        try (TestPair pair = pair().start()) {
            awaitInSync(pair.b());
            Files.delete(aCont.resolve("same.tmp")); // excluded: not the backup's to lose

            Files.writeString(aCont.resolve("new.txt"), "created");
            Files.writeString(aCont.resolve("a.txt"), "modified, longer");
            Files.setPosixFilePermissions(
                    aCont.resolve("dir1/b.txt"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.move(aCont.resolve("new.txt"), aCont.resolve("renamed.txt"));
            Files.move(aCont.resolve("dir1"), aCont.resolve("dir2"));
            Files.createDirectories(aCont.resolve("later/deep/er"));
            Files.writeString(aCont.resolve("later/deep/er/c.txt"), "in a directory made later");
            // A directory filled elsewhere and moved in whole: its files raise no event of their
            // own under the watched tree.
            Path outside = Files.createDirectories(dir.resolve("staging/pack"));
            Files.writeString(outside.resolve("d.txt"), "moved in");
            Files.move(outside, aCont.resolve("pack"), StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(aFlat.resolve("flat-new.txt"), "flat");
            Files.createDirectories(aFlat.resolve("ignored"));
            Files.writeString(aFlat.resolve("ignored/x.txt"), "not mirrored");

            awaitSame(aCont, bCont, false);
            assertThat(bCont.resolve("same.tmp")).hasContent("the backup's own");
            await().atMost(SYNC).until(() -> Files.exists(bFlat.resolve("flat-new.txt")));
            assertThat(bFlat.resolve("flat-new.txt")).hasContent("flat");
            assertThat(bFlat.resolve("ignored")).doesNotExist();
        }
    }

    @Test
    void initialDirectory_changedAfterTheComparison_isNotMirroredUntilTheNextSession()
            throws Exception {
        try (TestPair pair = pair().start()) {
            awaitInSync(pair.b());
            Files.writeString(aInit.resolve("late.txt"), "after the comparison");
            Files.writeString(aCont.resolve("sentinel"), "continuous");
            await().atMost(SYNC).until(() -> Files.exists(bCont.resolve("sentinel")));
            assertThat(bInit.resolve("late.txt")).doesNotExist();

            // The backup reconnects (restart): the initial directory is compared again.
            pair.b().stop();
            pair.b().start();
            awaitInSync(pair.b());
            assertThat(bInit.resolve("late.txt")).hasContent("after the comparison");
        }
    }

    @Test
    void backupAway_changesMadeMeanwhile_allArriveWhenItReturns() throws Exception {
        for (int i = 0; i < 30; i++) {
            Trees.write(aCont.resolve("d" + (i % 3) + "/f" + i), "v1-" + i, OLD, "rw-r--r--");
        }
        try (TestPair pair = pair().start()) {
            awaitInSync(pair.b());
            awaitSame(aCont, bCont, true);
            pair.b().stop();
            for (int i = 0; i < 30; i += 2) {
                Files.writeString(aCont.resolve("d" + (i % 3) + "/f" + i), "v2-" + i);
            }
            for (int i = 1; i < 30; i += 6) {
                Files.delete(aCont.resolve("d" + (i % 3) + "/f" + i));
            }
            Files.move(aCont.resolve("d2"), aCont.resolve("d2-renamed"));
            Trees.write(aCont.resolve("new/n.txt"), "new while away", OLD, "rw-r--r--");
            pair.b().start();
            pair.b().awaitState(State.BACKUP);
            awaitInSync(pair.b());
            // Directory times are not compared here: the primary's watch saw these changes too,
            // and shipping them after the comparison changes the backup's directory times again
            // (brought in line at the next comparison, as documented).
            awaitSame(aCont, bCont, false);
        }
    }

    @Test
    void fileRewrittenRapidly_backupNeverSeesAPartialFile_andEndsWithTheLastVersion()
            throws Exception {
        try (TestPair pair = pair().start()) {
            awaitInSync(pair.b());
            Path hot = aCont.resolve("hot.bin");
            Path copy = bCont.resolve("hot.bin");
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger reads = new AtomicInteger();
            AtomicReference<String> torn = new AtomicReference<>();
            Thread reader =
                    new Thread(
                            () -> {
                                long until = System.nanoTime() + SYNC.toNanos();
                                while (writing.get() && System.nanoTime() < until) {
                                    try {
                                        byte[] seen = Files.readAllBytes(copy);
                                        reads.incrementAndGet();
                                        // The primary's writer truncates before it writes: an
                                        // empty file is a state the primary's file really had
                                        // (shipped when max-delay forces a rewrite without
                                        // pause). Anything else must be one whole version.
                                        String bad = seen.length == 0 ? null : whyNotAVersion(seen);
                                        if (bad != null) {
                                            torn.compareAndSet(null, bad);
                                        }
                                    } catch (IOException notYet) {
                                        // Not there yet.
                                    }
                                }
                            });
            reader.start();
            int versions = 300;
            for (int v = 1; v <= versions; v++) {
                Files.write(hot, version(v)); // truncates and writes: not atomic on the primary
            }
            byte[] last = version(versions);
            await("the last version reaches the backup")
                    .atMost(SYNC)
                    .pollInterval(Duration.ofMillis(20))
                    .until(
                            () ->
                                    Files.exists(copy)
                                            && java.util.Arrays.equals(
                                                    Files.readAllBytes(copy), last));
            writing.set(false);
            reader.join(SYNC.toMillis());
            assertThat(torn.get()).as("a read on the backup saw a partial file").isNull();
            assertThat(reads.get()).isPositive();
        }
    }

    /** Version {@code v}: {@code v} as a byte, repeated to a length that depends on {@code v}. */
    private static byte[] version(int v) {
        byte[] b = new byte[size(v)];
        java.util.Arrays.fill(b, (byte) (v % 251));
        return b;
    }

    private static int size(int v) {
        return 4096 + (v * 7919) % 200_000;
    }

    private static String whyNotAVersion(byte[] seen) {
        if (seen.length == 0) {
            return "empty";
        }
        byte first = seen[0];
        for (byte b : seen) {
            if (b != first) {
                return "mixed content of " + seen.length + " bytes";
            }
        }
        for (int v = first & 0xff; v <= 300; v += 251) {
            if (v > 0 && size(v) == seen.length) {
                return null;
            }
        }
        return seen.length + " bytes of " + (first & 0xff) + " is no whole version";
    }

    // ------------------------------------------------------------------ switchover

    @Test
    void controlledSwitchover_filesWrittenJustBefore_areOnTheNewPrimary_thenMirroringReverses()
            throws Exception {
        try (TestPair pair = pair().start()) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            awaitInSync(b);
            for (int i = 0; i < 20; i++) {
                Files.writeString(aCont.resolve("late-" + i), "written just before " + i);
            }
            AdminHttp.Reply asked = b.admin().post("switch");
            assertThat(asked.status()).as(asked.body()).isEqualTo(200);
            b.awaitState(State.PRIMARY);
            for (int i = 0; i < 20; i++) {
                assertThat(bCont.resolve("late-" + i)).hasContent("written just before " + i);
            }
            a.awaitState(State.BACKUP);
            awaitInSync(a);
            Files.writeString(bCont.resolve("from-b"), "the new primary's");
            await().atMost(SYNC).until(() -> Files.exists(aCont.resolve("from-b")));
            assertThat(aCont.resolve("from-b")).hasContent("the new primary's");
            assertThat(Files.readString(a.dataDir().resolve("mirror/origin")).trim())
                    .startsWith("replica");
        }
    }

    @Test
    void exPrimaryWithFilesTheBackupNeverSaw_returns_theyAreKeptAsideThenBroughtInLine()
            throws Exception {
        try (TestPair pair = pair()) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            a.start();
            a.awaitState(State.PRIMARY);
            b.start();
            b.awaitState(State.BACKUP);
            Files.writeString(aCont.resolve("shared.txt"), "v1");
            await().atMost(SYNC).until(() -> Files.exists(bCont.resolve("shared.txt")));
            awaitInSync(b);

            // node-b goes away; node-a writes files node-b never sees, then goes away.
            b.stop();
            Files.writeString(aCont.resolve("only-on-a.txt"), "lost?");
            Files.writeString(aCont.resolve("shared.txt"), "v2 on a");
            // Both sides write a file of one size at one time (as two writes in one clock tick
            // do): only its content tells the two apart.
            FileTime sameTime = FileTime.fromMillis(1_700_000_000_000L);
            Files.writeString(aCont.resolve("same-size.txt"), "written on a");
            Files.setLastModifiedTime(aCont.resolve("same-size.txt"), sameTime);
            a.stop();
            // node-b comes back alone, becomes primary and writes.
            b.start();
            b.awaitState(State.PRIMARY);
            Files.writeString(bCont.resolve("only-on-b.txt"), "new");
            Files.writeString(bCont.resolve("same-size.txt"), "written on b");
            Files.setLastModifiedTime(bCont.resolve("same-size.txt"), sameTime);
            // node-a returns as backup: what the comparison replaces goes aside first.
            a.start();
            a.awaitState(State.BACKUP);
            awaitInSync(a);
            awaitSame(bCont, aCont, false);
            Path keptRoot = a.dataDir().resolve("mirror/kept-aside");
            List<Path> kept;
            try (Stream<Path> s = Files.walk(keptRoot)) {
                kept = s.filter(Files::isRegularFile).toList();
            }
            assertThat(kept)
                    .extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("only-on-a.txt", "shared.txt", "same-size.txt");
            for (Path p : kept) {
                String content = Files.readString(p);
                assertThat(content).isIn("lost?", "v2 on a", "written on a");
            }
            assertThat(aCont.resolve("same-size.txt")).hasContent("written on b");
            assertThat(a.events())
                    .anySatisfy(
                            e -> {
                                assertThat(e.path("type").asText()).isEqualTo("mirror");
                                assertThat(e.path("what").asText()).isEqualTo("kept-aside");
                            });
        }
    }

    @Test
    void statusAndMetrics_carryPerDirectoryFigures() throws Exception {
        Trees.write(aCont.resolve("m.txt"), "12345", OLD, "rw-r--r--");
        try (TestPair pair = pair().start()) {
            awaitInSync(pair.b());
            String text = pair.a().admin().get("metrics").body();
            assertThat(text)
                    .contains(
                            "switchover_mirror_files{directory=\""
                                    + aCont
                                    + "\",node=\"node-a\"} 1.0")
                    .contains(
                            "switchover_mirror_bytes{directory=\""
                                    + aCont
                                    + "\",node=\"node-a\"} 5.0")
                    .contains("switchover_mirror_pending{directory=\"" + aCont)
                    .contains("switchover_mirror_errors_total{directory=\"" + aCont)
                    .contains("switchover_mirror_last_sync_seconds{directory=\"" + aCont)
                    .contains("switchover_mirror_security_events_total");
            CliRun run = CliRun.of("--config", pair.b().configFile(), "status");
            assertThat(run.code()).as(run.toString()).isZero();
            assertThat(run.out())
                    .contains("mirror")
                    .contains("  - " + bCont)
                    .containsPattern("inSync +true")
                    .containsPattern("files +1");
        }
    }

    @Test
    void nodesConfiguredDifferently_directoryNotMirrored_andThePrimarySaysWhy() throws Exception {
        Trees.write(aCont.resolve("sub/x.txt"), "x", OLD, "rw-r--r--");
        try (TestPair pair =
                TestPair.builder(dir)
                        .a(
                                y ->
                                        y.mirror(
                                                "continuous:",
                                                "  - {path: '+"
                                                        + aCont
                                                        + "', target: '"
                                                        + bCont
                                                        + "'}"))
                        .b(
                                y ->
                                        y.mirror(
                                                "continuous:",
                                                "  - {path: '"
                                                        + bCont
                                                        + "', target: '"
                                                        + aCont
                                                        + "'}"))
                        .build()
                        .start()) {
            awaitInSync(pair.b());
            JsonNode cont = mirrorStatus(pair.a()).path("directories").get(0);
            assertThat(cont.path("lastError").asText())
                    .contains("without subdirectories")
                    .contains("configure both nodes alike");
            assertThat(bCont.resolve("sub")).doesNotExist();
            assertThat(mirrorStatus(pair.b()).path("securityEvents").asLong()).isZero();
        }
    }
}
