package io.switchover.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Connection;
import io.switchover.core.testing.CoreHarness;
import io.switchover.core.testing.SimulatedPeerLink.Behaviour;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One backup under a seeded random schedule of faults on its side of the pair. Every run replays
 * exactly from its seed (the seed is the test's name).
 */
class BackupSeededFaultsTest {

    private static final String NETTEST = "203.0.113.7";
    private static final Behaviour[] BEHAVIOURS = {
        Behaviour.ANSWER, Behaviour.ANSWER, Behaviour.HANG, Behaviour.REJECT
    };

    static LongStream seeds() {
        return LongStream.range(0, 400);
    }

    private static CoreConfig config(Random random) {
        CoreConfig.Builder b =
                CoreHarness.config().netTestAddresses(List.of(NETTEST)).moduleConfirmPings(1);
        if (random.nextBoolean()) {
            // A fast profile half of the time.
            b.pingDelay(Duration.ofMillis(100))
                    .pingTimeout(Duration.ofMillis(200))
                    .modulePingInterval(Duration.ofMillis(100))
                    .modulePingTimeout(Duration.ofMillis(300))
                    .moduleRetryDelay(Duration.ofMillis(50))
                    .reconnectAttemptDelay(Duration.ofMillis(100))
                    .reconnectInterval(Duration.ofSeconds(3))
                    .netTestTimeout(Duration.ofMillis(100))
                    .peerHostPingTimeout(Duration.ofMillis(100));
        }
        if (random.nextInt(3) == 0) {
            b.unreachablePrimaryPingDelay(Duration.ofSeconds(1))
                    .unreachablePrimaryPingCount(random.nextInt(4));
        }
        return b.build();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomFaults_backupSide_invariantsHold(long seed) {
        Random random = new Random(seed);
        CoreHarness h = new CoreHarness(seed, config(random)).startAsBackupOf(5);
        h.probe.reachable(NETTEST);
        boolean faulty = random.nextInt(10) != 0;
        // From this moment the backup is cut off from everything, for the rest of the fault phase.
        Duration isolatedFrom =
                random.nextInt(4) == 0
                        ? Duration.ofSeconds(random.nextInt(300))
                        : Duration.ofDays(1);
        boolean isolated = false;
        Duration isolatedAt = Duration.ofDays(1);

        while (h.time.elapsed().compareTo(Duration.ofMinutes(5)) < 0) {
            h.time.advance(Duration.ofMillis(100 + random.nextInt(20_000)));
            if (!isolated && h.time.elapsed().compareTo(isolatedFrom) >= 0) {
                isolated = true;
                isolatedAt = h.time.elapsed();
                h.link.bothConnected(false);
                h.probe.unreachable(NETTEST, CoreHarness.PEER_HOST);
            }
            if (faulty && !isolated) {
                injectFault(h, random);
            }
            if (random.nextInt(20) == 0) {
                h.time.stall(Duration.ofMillis(random.nextInt(30_000)));
            }
        }
        // A diagnosis under way when the isolation began may still finish (its pings take 1 s).
        Duration lastPromotionAllowed = isolatedAt.plusSeconds(2);
        for (Transition t : h.transitions()) {
            assertThat(t.reason().detail()).isNotBlank();
            if (t.to() == State.PRIMARY) {
                Duration at =
                        h.transitions().get(0).atNanos() == t.atNanos()
                                ? Duration.ZERO
                                : Duration.ofNanos(t.atNanos() - h.transitions().get(0).atNanos());
                assertThat(at)
                        .as(
                                "isolated at %s, promoted: %s; notices %s",
                                isolatedAt, h.transitions(), h.listener.notices)
                        .isLessThan(lastPromotionAllowed);
                // The next generation of this node's class (rank 1: odd) above the primary's 5.
                assertThat(t.generation()).isEqualTo(7);
                assertThat(h.store.writes()).contains(7L);
            }
        }
        if (!faulty && !isolated) {
            assertThat(h.path()).containsExactly("STARTING->BACKUP:PEER_IS_PRIMARY");
        }

        // Heal everything: a backup must settle, never stay reconnecting.
        h.link.bothConnected(true).notifier(Behaviour.ANSWER).module(Behaviour.ANSWER);
        h.probe.reachable(NETTEST, CoreHarness.PEER_HOST);
        h.time.advance(Duration.ofMinutes(5));
        assertThat(h.machine.state())
                .as("after healing: " + h.path() + " " + h.machine.explanation())
                .isIn(State.BACKUP, State.PRIMARY);

        h.machine.stop("end of run");
        h.time.advance(Duration.ofMinutes(1));
        assertThat(h.link.outstanding()).isZero();
        assertThat(h.time.pendingDelays()).isEmpty();
    }

    private static void injectFault(CoreHarness h, Random random) {
        switch (random.nextInt(6)) {
            case 0 -> h.link.connected(Connection.MAIN, random.nextInt(3) != 0);
            case 1 -> h.link.connected(Connection.AUXILIARY, random.nextInt(3) != 0);
            case 2 -> h.link.notifier(BEHAVIOURS[random.nextInt(BEHAVIOURS.length)]);
            case 3 -> h.link.module(BEHAVIOURS[random.nextInt(BEHAVIOURS.length)]);
            case 4 -> {
                if (random.nextBoolean()) {
                    h.probe.reachable(CoreHarness.PEER_HOST);
                } else {
                    h.probe.unreachable(CoreHarness.PEER_HOST);
                }
            }
            default -> {
                if (random.nextInt(3) == 0) {
                    h.probe.unreachable(NETTEST);
                } else {
                    h.probe.reachable(NETTEST);
                }
            }
        }
    }
}
