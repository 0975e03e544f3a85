package io.switchover.it.bed;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replicated state of a pair on the bed: the registry (exports, import files) and one mirrored
 * directory per node, plus waits on what the daemons record about them. Both nodes share the
 * machine, so node-a mirrors {@code <bed>/a-files} and node-b {@code <bed>/b-files}, each naming
 * the other's as its target; trees are compared with {@link FileTree#snapshot}.
 */
public final class Replication {
    private Replication() {}

    /** The two mirrored directories, one per node. */
    public record Mirrored(Path a, Path b) {
        public Path of(BedNode node) {
            return node.id().equals("node-a") ? a : b;
        }
    }

    /**
     * Configures the continuous, recursive mirror of {@code a-files} to {@code b-files} (and back,
     * for after a switchover). Call before the nodes start.
     */
    public static Mirrored mirrorBetween(TestBed bed) throws IOException {
        Path a = bed.a().dir().resolveSibling("a-files");
        Path b = bed.b().dir().resolveSibling("b-files");
        Files.createDirectories(a);
        Files.createDirectories(b);
        bed.a().setContinuousMirror(a, b);
        bed.b().setContinuousMirror(b, a);
        return new Mirrored(a, b);
    }

    /** The header line of a registry import file (docs/registry.md). */
    private static final String IMPORT_HEADER =
            "{\"format\":\"switchover-registry\",\"version\":1,\"key\":\"/\","
                    + "\"exported\":\"2026-01-01T00:00:00Z\"}";

    /**
     * A registry import file of {@code count} keys numbered from {@code first} ({@code
     * /Load/GroupNN/KeyNNNNN}); returns the count.
     */
    public static int writeNumberedImport(Path file, int first, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(IMPORT_HEADER);
        for (int i = first; i < first + count; i++) {
            lines.add(
                    "{\"key\":\"/Load/Group%02d/Key%05d\",\"values\":{\"n\":\"%d\",\"text\":\"%s\"}}"
                            .formatted(i % 40, i, i, "value of key " + i));
        }
        Files.write(file, lines);
        return count;
    }

    /** A registry import file of the given keys, each with one value {@code name=value}. */
    public static Path writeImport(Path file, Map<String, String> keyToValue, String name)
            throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(IMPORT_HEADER);
        keyToValue.forEach(
                (key, value) ->
                        lines.add(
                                "{\"key\":\"%s\",\"values\":{\"%s\":\"%s\"}}"
                                        .formatted(key, name, value)));
        Files.write(file, lines);
        return file;
    }

    /** The whole registry of {@code node}, exported there, without its (time-stamped) header. */
    public static List<String> export(BedNode node) throws IOException {
        Path file = node.dir().resolve("export-" + System.nanoTime() + ".jsonl");
        node.ctl("registry", "export", "-o", file.toString());
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(lines.size() - 1).startsWith("{\"end\"")) {
            throw new AssertionError("an incomplete export of " + node.id() + ": " + file);
        }
        return lines.subList(1, lines.size());
    }

    /** The sequence number of the node's last recorded event (0 before any). */
    public static long lastSequence(BedNode node) {
        List<Event> events = node.events();
        return events.isEmpty() ? 0 : events.get(events.size() - 1).sequence();
    }

    /** The first {@code what} event of {@code type} recorded after sequence {@code after}. */
    public static Event awaitEvent(
            BedNode node, String type, String what, long after, Duration deadline) {
        return Poll.until(
                        deadline,
                        () ->
                                node.events().stream()
                                        .filter(e -> e.sequence() > after)
                                        .filter(e -> e.isReplication(type, what))
                                        .findFirst())
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no "
                                                + type
                                                + " "
                                                + what
                                                + " event on "
                                                + node.id()
                                                + " within "
                                                + deadline
                                                + "; events: "
                                                + node.events()
                                                + "\nlog tail:\n"
                                                + node.logTail(30)));
    }

    /** Waits until the backup's status says registry and mirror are both in sync. */
    public static JsonNode awaitInSync(BedNode backup, Duration deadline) {
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

    /** {@code diff -r a b}: its output, empty when the trees are the same. */
    public static String diffR(Path a, Path b) {
        Sh.Result r =
                Sh.tryRun(Sh.DEFAULT_TIMEOUT, List.of("diff", "-r", a.toString(), b.toString()));
        return r.exitCode() == 0 ? "" : "exit " + r.exitCode() + ":\n" + r.output();
    }

    /** Waits until two trees hold the same files (size and content); returns the snapshot. */
    public static Map<String, String> awaitSameTree(Path a, Path b, Duration deadline) {
        return Poll.until(
                        deadline,
                        () -> {
                            Map<String, String> sa = FileTree.snapshot(a);
                            return sa.equals(FileTree.snapshot(b))
                                    ? Optional.of(sa)
                                    : Optional.<Map<String, String>>empty();
                        })
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "the trees never became the same within "
                                                + deadline
                                                + ":\n  "
                                                + a
                                                + ": "
                                                + FileTree.snapshot(a)
                                                + "\n  "
                                                + b
                                                + ": "
                                                + FileTree.snapshot(b)));
    }
}
