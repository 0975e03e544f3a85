package io.switchover.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.it.bed.BedNode;
import io.switchover.it.bed.Event;
import io.switchover.it.bed.FileTree;
import io.switchover.it.bed.Poll;
import io.switchover.it.bed.TestBed;
import io.switchover.it.bed.TestBedExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replication scenarios of the multi-host fault suite (issue 7, 11 and 12): the registry and a
 * mirrored directory tree on a real pair, checked for what must never be lost.
 *
 * <p>Both nodes share the machine, so node-a mirrors {@code <bed>/a-files} and node-b {@code
 * <bed>/b-files}, each naming the other's as its target. The trees are compared file by file (size
 * and SHA-256) on the shared filesystem; the registries by their exports.
 */
@ExtendWith(TestBedExtension.class)
class ReplicationScenariosTest {
    private static final Duration BOOT = Duration.ofSeconds(26);

    @Test
    void scenario12_backupKilledMidInitialSync_restartedConverges(TestBed bed) throws Exception {
        BedNode a = bed.a();
        BedNode b = bed.b();
        Mirrored trees = mirrorBetween(bed);
        // ~3000 files, ~200 MB: the initial mirror takes seconds, long enough to kill it midway.
        FileTree.Shape shape = FileTree.generate(trees.a(), 40, 3000, 50, 3 << 20, 12L);
        Path keys = bed.a().dir().resolveSibling("registry-load.jsonl");
        Path moreKeys = bed.a().dir().resolveSibling("registry-more.jsonl");
        int keyCount =
                writeRegistryImport(keys, 0, 4000) + writeRegistryImport(moreKeys, 4000, 1000);

        a.start();
        TestBed.awaitState(a, "PRIMARY", BOOT, "node-a to become primary on its own");
        a.ctl("registry", "import", keys.toString());

        b.start();
        long partial =
                Poll.until(
                                BOOT,
                                () ->
                                        Optional.of(FileTree.countComplete(trees.b()))
                                                .filter(n -> n >= 50))
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "node-b never started receiving files\n"
                                                        + b.logTail(30)));
        b.kill9();
        long landed = FileTree.countComplete(trees.b());
        assertThat(landed)
                .as("node-b killed mid initial sync (%d of %d files there)", landed, shape.files())
                .isLessThan(shape.files());

        // Writes the backup misses while it is down: its restart must catch up with them too.
        a.ctl("registry", "import", moreKeys.toString());

        long aSeen = lastSequence(a);
        long bSeen = lastSequence(b);
        Instant restart = Instant.now();
        b.start();
        Event mirrored =
                awaitReplicationEvent(a, "mirror", aSeen, Duration.ofSeconds(60), "mirror");
        Event registry =
                awaitReplicationEvent(b, "registry", bSeen, Duration.ofSeconds(60), "registry");
        assertThat(registry.json().path("complete").asBoolean()).isTrue();
        assertThat(registry.json().path("entriesWritten").asLong())
                .as("the keys written while node-b was down")
                .isGreaterThanOrEqualTo(1000);

        JsonNode replication = awaitInSync(b, Duration.ofSeconds(30));
        assertThat(FileTree.snapshot(trees.b()))
                .as("node-b's tree is node-a's")
                .isEqualTo(FileTree.snapshot(trees.a()));
        assertThat(FileTree.partialFiles(trees.b())).as("no file left in transit").isEmpty();
        List<String> exportA = export(a);
        assertThat(exportA).hasSizeGreaterThan(keyCount);
        assertThat(export(b)).as("node-b's registry is node-a's").isEqualTo(exportA);

        Instant caughtUp =
                mirrored.time().isAfter(registry.time()) ? mirrored.time() : registry.time();
        summary(
                "12 backup killed mid initial sync",
                ("killed with %d of %d files (%d MB) there; after restart registry compared in %d"
                                + " ms (%d written), mirror in sync in %d ms (%d files, %d MB"
                                + " sent); caught up %d ms after restart; %s")
                        .formatted(
                                landed,
                                shape.files(),
                                shape.bytes() >> 20,
                                Duration.between(restart, registry.time()).toMillis(),
                                registry.json().path("entriesWritten").asLong(),
                                Duration.between(restart, mirrored.time()).toMillis(),
                                mirrored.json().path("transferred").asLong(),
                                mirrored.json().path("bytes").asLong() >> 20,
                                Duration.between(restart, caughtUp).toMillis(),
                                "phases "
                                        + replication.at("/registry/phase").asText()
                                        + "/"
                                        + replication.at("/mirror/phase").asText()));
        assertThat(partial).isPositive();
    }

    // ---- helpers --------------------------------------------------------------------------

    /** The two mirrored directories, one per node. */
    record Mirrored(Path a, Path b) {}

    /** Configures the continuous, recursive mirror of {@code a-files} to {@code b-files}. */
    private static Mirrored mirrorBetween(TestBed bed) throws IOException {
        Path a = bed.a().dir().resolveSibling("a-files");
        Path b = bed.b().dir().resolveSibling("b-files");
        Files.createDirectories(a);
        Files.createDirectories(b);
        bed.a().setContinuousMirror(a, b);
        bed.b().setContinuousMirror(b, a);
        return new Mirrored(a, b);
    }

    /**
     * A registry import file (docs/registry.md) of {@code count} keys numbered from {@code first};
     * returns the count.
     */
    private static int writeRegistryImport(Path file, int first, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(
                "{\"format\":\"switchover-registry\",\"version\":1,\"key\":\"/\","
                        + "\"exported\":\"2026-01-01T00:00:00Z\"}");
        for (int i = first; i < first + count; i++) {
            lines.add(
                    "{\"key\":\"/Load/Group%02d/Key%05d\",\"values\":{\"n\":\"%d\",\"text\":\"%s\"}}"
                            .formatted(i % 40, i, i, "value of key " + i));
        }
        Files.write(file, lines);
        return count;
    }

    /** The whole registry of {@code node}, exported there, without its (time-stamped) header. */
    private static List<String> export(BedNode node) throws IOException {
        Path file = node.dir().resolve("export-" + System.nanoTime() + ".jsonl");
        node.ctl("registry", "export", "-o", file.toString());
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(lines.size() - 1)).as("a complete export").startsWith("{\"end\"");
        return lines.subList(1, lines.size());
    }

    private static long lastSequence(BedNode node) {
        List<Event> events = node.events();
        return events.isEmpty() ? 0 : events.get(events.size() - 1).sequence();
    }

    /** The first {@code compared} event of {@code type} recorded after sequence {@code after}. */
    private static Event awaitReplicationEvent(
            BedNode node, String type, long after, Duration deadline, String what) {
        return Poll.until(
                        deadline,
                        () ->
                                node.events().stream()
                                        .filter(e -> e.sequence() > after)
                                        .filter(e -> e.isReplication(type, "compared"))
                                        .findFirst())
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no "
                                                + what
                                                + " comparison on "
                                                + node.id()
                                                + " within "
                                                + deadline
                                                + "; events: "
                                                + node.events()
                                                + "\nlog tail:\n"
                                                + node.logTail(30)));
    }

    /** Waits until the backup's status says registry and mirror are both in sync. */
    private static JsonNode awaitInSync(BedNode backup, Duration deadline) {
        return Poll.until(
                        deadline,
                        () -> {
                            JsonNode r;
                            try {
                                r = backup.status().path("replication");
                            } catch (IllegalStateException notAnsweringYet) {
                                return Optional.<JsonNode>empty();
                            }
                            return r.at("/registry/inSync").asBoolean()
                                            && r.at("/mirror/inSync").asBoolean()
                                    ? Optional.of(r)
                                    : Optional.<JsonNode>empty();
                        })
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        backup.id()
                                                + " not in sync: "
                                                + backup.status().path("replication")));
    }

    private static void summary(String scenario, String result) {
        System.out.println("[switchover-it] scenario %-40s %s".formatted(scenario, result));
    }
}
