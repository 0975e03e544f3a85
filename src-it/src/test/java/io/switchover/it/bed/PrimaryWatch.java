package io.switchover.it.bed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Watches both nodes' roles for a whole scenario, continuously: a {@link RolePoller} inside each
 * node's namespace samples its admin API every 50 ms, and at the end the samples and both event
 * histories are checked for an instant with two primaries ({@link RoleTimeline}).
 */
public final class PrimaryWatch implements AutoCloseable {
    public static final Duration INTERVAL = Duration.ofMillis(50);

    private final TestBed bed;
    private final Path dir;
    private final List<BedProgram> pollers = new ArrayList<>();
    private final Instant started = Instant.now();

    private PrimaryWatch(TestBed bed, Path dir) {
        this.bed = bed;
        this.dir = dir;
    }

    /** Starts a poller per node, bounded to {@code atMost}; files go to {@code dir}. */
    public static PrimaryWatch start(TestBed bed, Path dir, Duration atMost) throws IOException {
        Files.createDirectories(dir);
        PrimaryWatch watch = new PrimaryWatch(bed, dir);
        for (BedNode node : List.of(bed.a(), bed.b())) {
            watch.pollers.add(
                    BedProgram.start(
                            node.namespace(),
                            RolePoller.class,
                            dir.resolve(node.id() + "-poller.log"),
                            "http://127.0.0.1:" + BedNode.ADMIN_PORT + "/",
                            watch.samplesOf(node).toString(),
                            Long.toString(INTERVAL.toMillis()),
                            Long.toString(atMost.toSeconds())));
        }
        return watch;
    }

    private Path samplesOf(BedNode node) {
        return dir.resolve(node.id() + "-roles.txt");
    }

    public List<RoleTimeline.Sample> samples(BedNode node) {
        Path file = samplesOf(node);
        return Files.exists(file) ? RoleTimeline.samples(file) : List.of();
    }

    /** What the check found. */
    public record Verdict(
            List<RoleTimeline.Overlap> polledOverlaps,
            List<RoleTimeline.Overlap> recordedOverlaps,
            long samplesA,
            long samplesB,
            long primarySamplesA,
            long primarySamplesB) {
        /** The overlaps (polled or recorded) that reach past {@code since}. */
        public List<RoleTimeline.Overlap> after(Instant since) {
            return Stream.concat(polledOverlaps.stream(), recordedOverlaps.stream())
                    .filter(o -> o.to() > since.toEpochMilli())
                    .toList();
        }

        public String summary() {
            return "%d+%d samples (%d+%d PRIMARY), two primaries: polled %d, recorded %d"
                    .formatted(
                            samplesA,
                            samplesB,
                            primarySamplesA,
                            primarySamplesB,
                            polledOverlaps.size(),
                            recordedOverlaps.size());
        }
    }

    /** Stops the pollers and checks every instant since the start for two primaries. */
    public Verdict stopAndCheck() {
        close();
        Instant end = Instant.now();
        BedNode a = bed.a();
        BedNode b = bed.b();
        List<RoleTimeline.Sample> sa = samples(a);
        List<RoleTimeline.Sample> sb = samples(b);
        List<RoleTimeline.Overlap> polled =
                RoleTimeline.overlaps(
                        RoleTimeline.primarySpans(a.id(), sa),
                        RoleTimeline.primarySpans(b.id(), sb));
        List<RoleTimeline.Overlap> recorded =
                RoleTimeline.overlaps(
                        RoleTimeline.primarySpans(a.id(), a.events(), end),
                        RoleTimeline.primarySpans(b.id(), b.events(), end));
        return new Verdict(
                polled,
                recorded,
                sa.size(),
                sb.size(),
                RoleTimeline.count(sa, "PRIMARY"),
                RoleTimeline.count(sb, "PRIMARY"));
    }

    @Override
    public void close() {
        for (BedNode node : List.of(bed.a(), bed.b())) {
            try {
                Files.writeString(
                        samplesOf(node).resolveSibling(samplesOf(node).getFileName() + ".stop"),
                        "");
            } catch (IOException e) {
                // the pollers are killed below anyway
            }
        }
        for (BedProgram p : pollers) {
            try {
                if (!p.awaitExit(Duration.ofSeconds(2))) {
                    p.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.close();
            }
        }
    }

    public Instant started() {
        return started;
    }
}
