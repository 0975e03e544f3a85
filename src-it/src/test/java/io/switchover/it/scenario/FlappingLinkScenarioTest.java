package io.switchover.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.it.bed.BedNode;
import io.switchover.it.bed.Event;
import io.switchover.it.bed.LinkFlapper;
import io.switchover.it.bed.Poll;
import io.switchover.it.bed.PrimaryWatch;
import io.switchover.it.bed.RoleTimeline;
import io.switchover.it.bed.TestBed;
import io.switchover.it.bed.TestBedExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 7 of the multi-host fault suite (issue 7): a link that flaps every few hundred
 * milliseconds, first the primary's for a minute, then the backup's for half a minute.
 *
 * <p>The bound on switchovers: at most one while the primary's link flaps (after a takeover the old
 * primary is {@code FAILED} and stays out until an operator rejoins it, so the pair cannot switch
 * back), and none while the backup's own link flaps (the primary is fine throughout, and a backup
 * never takes over because of its own network). "Never two primaries" is checked over the whole
 * run: a poller in each node's namespace samples its role every 50 ms, and the daemons' event
 * histories give the exact transition times ({@link PrimaryWatch}).
 */
@ExtendWith(TestBedExtension.class)
class FlappingLinkScenarioTest {
    private static final long SEED = 7;
    private static final Duration MIN_PHASE = Duration.ofMillis(150);
    private static final Duration MAX_PHASE = Duration.ofMillis(450);
    private static final Duration PRIMARY_FLAPS = Duration.ofSeconds(60);
    private static final Duration BACKUP_FLAPS = Duration.ofSeconds(30);

    @Test
    void scenario7_flappingLinks_boundedSwitchoversAndNeverTwoPrimaries(TestBed bed)
            throws Exception {
        bed.startPair();
        Duration settle = bed.profile().takeoverBound().multipliedBy(3);
        try (PrimaryWatch watch =
                PrimaryWatch.start(
                        bed,
                        bed.a().dir().resolveSibling("roles"),
                        PRIMARY_FLAPS.plus(BACKUP_FLAPS).plusSeconds(120))) {

            // 1. The primary's link flaps for a minute.
            Instant phase1 = Instant.now();
            LinkFlapper.Run primaryRun =
                    new LinkFlapper(bed, bed.a(), SEED, MIN_PHASE, MAX_PHASE).flap(PRIMARY_FLAPS);
            List<Event> switches1 = switchoversSince(bed, phase1);
            BedNode primary = awaitOnePrimary(bed, settle);
            BedNode backup = bed.peerOf(primary);
            if ("FAILED".equals(backup.state())) {
                backup.ctl("rejoin");
            }
            TestBed.awaitState(backup, "BACKUP", Duration.ofSeconds(30), "the pair to be whole");
            assertThat(switches1)
                    .as("at most one switchover while the primary's link flaps: %s", switches1)
                    .hasSizeLessThanOrEqualTo(1);

            // 2. The backup's own link flaps for half a minute: the primary is fine throughout.
            Instant phase2 = Instant.now();
            LinkFlapper.Run backupRun =
                    new LinkFlapper(bed, backup, SEED + 1, MIN_PHASE, MAX_PHASE).flap(BACKUP_FLAPS);
            // A false takeover may come just after the last flap: watch for a while longer.
            Poll.until(settle, Optional::empty);
            List<Event> switches2 = switchoversSince(bed, phase2);
            List<Event> blocked =
                    backup.events().stream()
                            .filter(e -> !e.time().isBefore(phase2))
                            .filter(e -> e.isNotice("PROMOTION_BLOCKED"))
                            .toList();

            PrimaryWatch.Verdict verdict = watch.stopAndCheck();
            assertThat(switches2)
                    .as("no switchover while the backup's own link flaps: %s", switches2)
                    .isEmpty();
            assertThat(verdict.after(phase2))
                    .as("never two primaries once the pair is whole again (polled and recorded)")
                    .isEmpty();
            // While the primary's link flapped: two primaries only across a takeover the old
            // primary could not hear of yet, each ended by the old primary stepping down for the
            // higher generation (never two of one generation).
            for (RoleTimeline.Overlap o : verdict.recordedOverlaps()) {
                assertThat(steppedDownAt(bed, o.to()))
                        .as("%s ends with the lower generation stepping down", o)
                        .isPresent();
            }
            assertThat(verdict.polledOverlaps())
                    .as("what clients saw: two primaries only where the histories say so")
                    .allSatisfy(
                            p ->
                                    assertThat(verdict.recordedOverlaps())
                                            .anySatisfy(
                                                    r ->
                                                            assertThat(
                                                                            p.from() >= r.from()
                                                                                    && p.to()
                                                                                            <= r
                                                                                                    .to())
                                                                    .isTrue()));
            assertThat(verdict.primarySamplesA() + verdict.primarySamplesB())
                    .as("the pollers saw the pair")
                    .isGreaterThan(100);
            assertThat(awaitOnePrimary(bed, settle)).isEqualTo(primary);

            summary(
                    "7 flapping links (seed " + SEED + ")",
                    ("primary's link %d s (%s): %d switchover(s)%s; backup's link %d s (%s): %d"
                                    + " switchovers, %d promotion(s) blocked; two primaries for %d"
                                    + " ms (until the old primary heard of the takeover); %s")
                            .formatted(
                                    PRIMARY_FLAPS.toSeconds(),
                                    primaryRun,
                                    switches1.size(),
                                    switches1.isEmpty()
                                            ? ""
                                            : " ("
                                                    + switches1.get(0).cause()
                                                    + " after "
                                                    + Duration.between(
                                                                    phase1, switches1.get(0).time())
                                                            .toMillis()
                                                    + " ms)",
                                    BACKUP_FLAPS.toSeconds(),
                                    backupRun,
                                    switches2.size(),
                                    blocked.size(),
                                    verdict.recordedOverlaps().stream()
                                            .mapToLong(RoleTimeline.Overlap::millis)
                                            .sum(),
                                    verdict.summary()));
        }
    }

    /** The transition, on either node, of a primary stepping down by generation at {@code ms}. */
    private static Optional<Event> steppedDownAt(TestBed bed, long ms) {
        return Stream.concat(bed.a().events().stream(), bed.b().events().stream())
                .filter(e -> "transition".equals(e.type()) && "PRIMARY".equals(e.from()))
                .filter(e -> e.time().toEpochMilli() == ms)
                .filter(
                        e ->
                                "SPLIT_BRAIN_LOST".equals(e.cause())
                                        || "PEER_TOOK_OVER".equals(e.cause()))
                .findFirst();
    }

    /** Promotions from a backup state on either node since {@code since}. */
    private static List<Event> switchoversSince(TestBed bed, Instant since) {
        return Stream.concat(bed.a().events().stream(), bed.b().events().stream())
                .filter(e -> !e.time().isBefore(since))
                .filter(e -> e.isTransitionTo("PRIMARY"))
                .filter(e -> !"STARTING".equals(e.from()))
                .toList();
    }

    /** Waits until exactly one node is PRIMARY per its history and the other is not; returns it. */
    private static BedNode awaitOnePrimary(TestBed bed, Duration deadline) {
        return Poll.until(
                        deadline,
                        () -> {
                            boolean a = "PRIMARY".equals(bed.a().state());
                            boolean b = "PRIMARY".equals(bed.b().state());
                            return a == b
                                    ? Optional.<BedNode>empty()
                                    : Optional.of(a ? bed.a() : bed.b());
                        })
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "not exactly one primary: node-a "
                                                + bed.a().state()
                                                + ", node-b "
                                                + bed.b().state()));
    }

    private static void summary(String scenario, String result) {
        System.out.println("[switchover-it] scenario %-40s %s".formatted(scenario, result));
    }
}
