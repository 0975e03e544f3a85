package io.switchover.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.state.Reason.Cause;
import io.switchover.core.testing.CoreHarness;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backup whose own link flaps (integration scenario 7): down and up every 150 to 450 ms while the
 * primary is fine. Any single diagnosis can fall into a moment the link is up and find the backup's
 * network good; the own-network watch must keep it from taking over, and must not keep a backup
 * whose network has settled from taking over from a primary that really went away.
 *
 * <p>The model of the flapping link: while it is down, NetTest and the primary's host do not answer
 * and the notifier connections are down; they stay down for the whole flapping period (a TCP
 * connection does not come back over a link that keeps dropping), while ICMP answers whenever the
 * link is up. That is what the integration run showed.
 */
class FlappingOwnLinkTest {
    private static final String NETTEST = "203.0.113.7";

    /** The integration suite's fast profile. */
    private static CoreConfig fast() {
        return CoreHarness.config()
                .netTestAddresses(List.of(NETTEST))
                .netTestTimeout(Duration.ofMillis(200))
                .peerHostPingTimeout(Duration.ofMillis(200))
                .pingDelay(Duration.ofMillis(200))
                .pingTimeout(Duration.ofMillis(500))
                .pingRetryMax(2)
                .reconnectAttempts(3)
                .reconnectAttemptDelay(Duration.ofMillis(200))
                .reconnectInterval(Duration.ofSeconds(3))
                .stallThreshold(Duration.ofSeconds(1))
                .build();
    }

    private static CoreHarness backup(long seed) {
        CoreHarness h = new CoreHarness(seed, fast());
        h.probe.reachable(NETTEST);
        return h.startAsBackupOf(3);
    }

    /** Flaps the backup's own link for {@code total}, seeded phases of 150-450 ms; ends up. */
    private static void flap(CoreHarness h, long seed, Duration total) {
        SplittableRandom random = new SplittableRandom(seed);
        h.link.bothConnected(false);
        Duration end = h.time.elapsed().plus(total);
        boolean down = false;
        while (h.time.elapsed().compareTo(end) < 0) {
            down = !down;
            if (down) {
                h.probe.unreachable(NETTEST, CoreHarness.PEER_HOST);
            } else {
                h.probe.reachable(NETTEST, CoreHarness.PEER_HOST);
            }
            h.time.advance(Duration.ofMillis(150 + random.nextInt(301)));
        }
        h.probe.reachable(NETTEST, CoreHarness.PEER_HOST);
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void ownLinkFlapping_primaryFine_neverTakesOverAndSaysWhy(long seed) {
        CoreHarness h = backup(seed);

        flap(h, seed, Duration.ofSeconds(60));

        assertThat(h.path()).noneMatch(p -> p.contains("->PRIMARY"));
        assertThat(h.listener.notices(Notice.Kind.PROMOTION_BLOCKED))
                .as("blocked, saying why")
                .anySatisfy(
                        n ->
                                assertThat(n.detail())
                                        .contains("although the network looks good now")
                                        .contains("must stay good for 1.7s first"));
        // The link is steady again and the primary is fine: the backup reconnects.
        h.link.bothConnected(true);
        h.runUntil(State.BACKUP, Duration.ofSeconds(10));
        assertThat(h.path()).noneMatch(p -> p.contains("->PRIMARY"));
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void ownLinkSettlesThenPrimaryGone_takesOverAfterTheSettlePeriodAndSaysWhatItChecked(
            long seed) {
        CoreHarness h = backup(seed);
        flap(h, seed, Duration.ofSeconds(20));
        // The link is steady, but the primary's host is gone for good.
        h.probe.unreachable(CoreHarness.PEER_HOST);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofSeconds(30));

        // Settle period 1.7 s, then at most one round of attempts and a diagnosis.
        assertThat(took).isLessThan(Duration.ofMillis(1_700 + 3 * 700 + 3_000));
        assertThat(h.lastReason().cause())
                .isIn(
                        Cause.RECONNECT_ATTEMPTS_EXHAUSTED,
                        Cause.PRIMARY_UNREACHABLE,
                        Cause.RECONNECT_INTERVAL_EXPIRED);
        assertThat(h.lastReason().detail())
                .contains("network NETTEST_REACHED")
                .contains("own network good for the last");
    }
}
