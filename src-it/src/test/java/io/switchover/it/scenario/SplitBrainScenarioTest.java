package io.switchover.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.it.bed.BedNode;
import io.switchover.it.bed.Event;
import io.switchover.it.bed.FileTree;
import io.switchover.it.bed.Poll;
import io.switchover.it.bed.PrimaryWatch;
import io.switchover.it.bed.Replication;
import io.switchover.it.bed.RoleTimeline;
import io.switchover.it.bed.TestBed;
import io.switchover.it.bed.TestBedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 10 of the multi-host fault suite (issue 7): a full partition between the two nodes (both
 * still reach the gateway), the backup takes over, both sides accept writes as primaries in their
 * own view, then the partition heals.
 *
 * <p>What must happen on heal: the two primaries find each other, the split brain is recorded on
 * both sides, the lower generation (the old primary) steps down to {@code FAILED} and its registry
 * is exported aside at once; when an operator rejoins it, its mirrored files that the new primary's
 * tree replaces or removes are kept aside too, and it ends up with the new primary's registry and
 * files. Nothing it accepted during the split is silently lost.
 */
@ExtendWith(TestBedExtension.class)
class SplitBrainScenarioTest {

    @Test
    void scenario10_partitionThenHeal_splitBrainResolvedByGenerationLoserWritesKeptAside(
            TestBed bed) throws Exception {
        BedNode a = bed.a();
        BedNode b = bed.b();
        Replication.Mirrored trees = Replication.mirrorBetween(bed);
        Path imports = a.dir().getParent();
        bed.startPair();

        // Before the split: one file and one key, replicated.
        Files.writeString(trees.a().resolve("common.txt"), "written before the split\n");
        a.ctl(
                "registry",
                "import",
                Replication.writeImport(
                                imports.resolve("before.jsonl"),
                                Map.of("/Split/Before", "both"),
                                "side")
                        .toString());
        Replication.awaitSameTree(trees.a(), trees.b(), Duration.ofSeconds(20));

        try (PrimaryWatch watch =
                PrimaryWatch.start(bed, imports.resolve("roles"), Duration.ofMinutes(3))) {
            bed.partition(a);
            Instant cut = Instant.now();
            Instant takeover =
                    TestBed.awaitState(
                            b,
                            "PRIMARY",
                            bed.profile().takeoverBound().multipliedBy(3),
                            "node-b to take over");
            assertThat(a.state()).as("node-a does not know: still primary").isEqualTo("PRIMARY");
            long generationA = a.firstTransitionTo("PRIMARY").orElseThrow().generation();
            long generationB = b.firstTransitionTo("PRIMARY").orElseThrow().generation();
            assertThat(generationB).isGreaterThan(generationA);

            // Both accept writes: the registry and the mirrored directory, on each side.
            a.ctl(
                    "registry",
                    "import",
                    Replication.writeImport(
                                    imports.resolve("on-a.jsonl"),
                                    Map.of("/Split/OnA", "a", "/Split/Both", "a"),
                                    "side")
                            .toString());
            b.ctl(
                    "registry",
                    "import",
                    Replication.writeImport(
                                    imports.resolve("on-b.jsonl"),
                                    Map.of("/Split/OnB", "b", "/Split/Both", "b"),
                                    "side")
                            .toString());
            Files.writeString(trees.a().resolve("only-on-a.txt"), "node-a during the split\n");
            Files.writeString(trees.a().resolve("common.txt"), "changed on node-a\n");
            Files.writeString(trees.b().resolve("only-on-b.txt"), "node-b during the split\n");
            Files.writeString(trees.b().resolve("common.txt"), "changed on node-b\n");
            Map<String, String> winnersTree = FileTree.snapshot(trees.b());
            long aSeen = Replication.lastSequence(a);
            long bSeen = Replication.lastSequence(b);

            bed.heal(a);
            Instant healed = Instant.now();

            // Split brain detected on heal, on both sides, and resolved by generation.
            Instant failed =
                    TestBed.awaitState(a, "FAILED", Duration.ofSeconds(30), "node-a to step down");
            Event stepDown =
                    a.events().stream()
                            .filter(e -> e.isTransitionTo("FAILED"))
                            .findFirst()
                            .orElseThrow();
            assertThat(stepDown.cause()).isEqualTo("SPLIT_BRAIN_LOST");
            assertThat(stepDown.detail())
                    .contains("generation " + generationB)
                    .contains("this node generation " + generationA);
            Event lost = splitBrain(a, aSeen);
            Event won = splitBrain(b, bSeen);
            assertThat(lost.json().path("outcome").asText()).isEqualTo("lost");
            assertThat(won.json().path("outcome").asText()).isEqualTo("won");
            assertThat(b.state()).isEqualTo("PRIMARY");

            // The loser's registry, as it was when it stepped down, is kept aside.
            Event keptRegistry =
                    Replication.awaitEvent(
                            a, "registry", "kept-aside", aSeen, Duration.ofSeconds(10));
            Path keptFile = Path.of(keptRegistry.json().path("file").asText());
            assertThat(keptFile).startsWith(a.dataDir().resolve("registry/kept-aside")).exists();
            assertThat(keptFile.getFileName().toString()).startsWith("registry-gen" + generationA);
            String kept = Files.readString(keptFile);
            assertThat(kept).contains("/Split/OnA").contains("/Split/Before");
            assertThat(kept).doesNotContain("/Split/OnB");

            // The operator rejoins it: it becomes backup, its files are kept aside as the new
            // primary's tree replaces them, and it ends up with the new primary's state.
            long aBeforeRejoin = Replication.lastSequence(a);
            a.ctl("rejoin");
            TestBed.awaitState(a, "BACKUP", Duration.ofSeconds(30), "node-a to rejoin");
            Event keptFiles =
                    Replication.awaitEvent(
                            a, "mirror", "kept-aside", aBeforeRejoin, Duration.ofSeconds(30));
            Replication.awaitInSync(a, Duration.ofSeconds(30));
            Map<String, String> tree =
                    Replication.awaitSameTree(trees.a(), trees.b(), Duration.ofSeconds(30));
            assertThat(tree).isEqualTo(winnersTree);
            Path keptRoot = a.dataDir().resolve("mirror/kept-aside");
            List<Path> keptAside = keptFilesUnder(keptRoot);
            assertThat(keptAside)
                    .as("node-a's own files of the split, kept aside under %s", keptRoot)
                    .anySatisfy(
                            p -> assertThat(p.getFileName().toString()).isEqualTo("only-on-a.txt"))
                    .anySatisfy(
                            p -> {
                                assertThat(p.getFileName().toString()).isEqualTo("common.txt");
                                assertThat(Files.readString(p)).isEqualTo("changed on node-a\n");
                            });
            assertThat(keptRoot.relativize(keptAside.get(0)).toString())
                    .startsWith("gen" + generationA + "-");
            List<String> exportB = Replication.export(b);
            assertThat(String.join("\n", exportB))
                    .contains("/Split/OnB")
                    .contains("/Split/Before")
                    .doesNotContain("/Split/OnA");
            assertThat(Replication.export(a)).as("node-a has node-b's registry").isEqualTo(exportB);

            // Exactly one primary remains; two only while the partition hid them from each other.
            assertThat(a.state()).isEqualTo("BACKUP");
            assertThat(b.state()).isEqualTo("PRIMARY");
            PrimaryWatch.Verdict verdict = watch.stopAndCheck();
            assertThat(verdict.recordedOverlaps()).hasSize(1);
            RoleTimeline.Overlap split = verdict.recordedOverlaps().get(0);
            assertThat(split.from()).isEqualTo(takeover.toEpochMilli());
            assertThat(split.to()).isEqualTo(failed.toEpochMilli());
            assertThat(verdict.after(failed.plusMillis(1))).isEmpty();

            summary(
                    "10 partition, then heal",
                    ("takeover %d ms after the cut (gen %d over %d); split brain detected %d ms"
                                    + " after heal (node-a FAILED, SPLIT_BRAIN_LOST); two primaries"
                                    + " for %d ms; kept aside: registry %s, files %s; rejoined"
                                    + " and converged; %s")
                            .formatted(
                                    Duration.between(cut, takeover).toMillis(),
                                    generationB,
                                    generationA,
                                    Duration.between(healed, failed).toMillis(),
                                    split.millis(),
                                    keptFile.getFileName(),
                                    keptAside.stream()
                                            .map(p -> p.getFileName().toString())
                                            .toList(),
                                    verdict.summary()));
            assertThat(keptFiles.time()).isAfter(healed);
        }
    }

    /**
     * The node's split-brain event recorded after sequence {@code after}, waited for: the daemon
     * appends it just after the transition (the loser) or on the loser's last announcement (the
     * winner), so it may not be in the history yet when the step-down is.
     */
    private static Event splitBrain(BedNode node, long after) {
        return Poll.until(
                        Duration.ofSeconds(10),
                        () ->
                                node.events().stream()
                                        .filter(
                                                e ->
                                                        e.sequence() > after
                                                                && "split-brain".equals(e.type()))
                                        .findFirst())
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no split-brain event on "
                                                + node.id()
                                                + " within 10 s: "
                                                + node.events()));
    }

    private static List<Path> keptFilesUnder(Path root) throws java.io.IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void summary(String scenario, String result) {
        System.out.println("[switchover-it] scenario %-40s %s".formatted(scenario, result));
    }
}
