package io.switchover.core.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.state.Notice;
import io.switchover.core.state.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The scenarios in which the two-node simulation found bugs in the core, replayed step by step on
 * two cores and named after the behaviour they pin down.
 */
class PairRegressionTest {

    private static final CoreConfig DEFAULTS =
            Profile.DEFAULT.configure(CoreConfig.builder("n", "h")).build();

    /** A transport that never notices a silent connection by itself. */
    private static final Transport NO_IDLE_DETECTION = Profile.DEFAULT.transport(false);

    private static Duration s(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /**
     * Found by seeds such as 97: node-b took over (generation 3) while node-a was frozen behind a
     * silent partition, then node-b crashed. node-a resumed as a stale primary with generation 2,
     * and the restarted node-b joined it as backup, so the re-synchronisation silently overwrote
     * everything node-b had written as primary.
     */
    @Test
    void
            restartedNodeWithNewerGeneration_meetsStalePrimary_newerHistoryWinsAndStaleWritesKeptAside() {
        Pair pair = new Pair(1, DEFAULTS, NO_IDLE_DETECTION).started();
        SimulatedNode a = pair.a;
        SimulatedNode b = pair.b;
        pair.network.linkCut = true;
        pair.network.changed(false);
        a.freeze();
        pair.runUntil(() -> b.state() == State.PRIMARY, Duration.ofMinutes(2));
        assertThat(b.incarnation().machine.generation()).isEqualTo(3);
        // node-b's takeover announcement is lost in the partition.
        pair.time.advance(s(1));
        b.crash();

        pair.network.linkCut = false;
        pair.network.changed(false);
        a.resume();
        pair.time.advance(s(10));
        assertThat(a.state()).isEqualTo(State.PRIMARY);
        int restart = pair.path.size();
        b.start();
        pair.time.advance(s(10));

        assertThat(pair.path.subList(restart, pair.path.size()))
                .containsExactly(
                        "node-a PRIMARY->FAILED:SPLIT_BRAIN_LOST",
                        "node-b STARTING->PRIMARY:PEER_NOT_PRIMARY");
        assertThat(a.incarnation().replication.keptAside).containsExactly(2L);
        assertThat(b.incarnation().machine.generation()).isEqualTo(5);
    }

    /**
     * Found by seeds such as 91: after a silent partition (no reset, so no connection was ever
     * reported down or up) the backup that took over and the old primary never exchanged a hello,
     * and both stayed primary for good.
     */
    @Test
    void splitBrain_afterASilentPartition_foundWithinOnePingDelayOfTheLinkReturning() {
        Pair pair = new Pair(2, DEFAULTS, NO_IDLE_DETECTION).started();
        pair.network.linkCut = true;
        pair.network.changed(false);
        pair.runUntil(() -> pair.b.state() == State.PRIMARY, Duration.ofMinutes(2));
        // node-b's takeover announcement is lost in the partition.
        pair.time.advance(s(1));

        pair.network.linkCut = false;
        pair.network.changed(false);
        Duration found = pair.runUntil(() -> pair.a.state() == State.FAILED, Duration.ofMinutes(1));

        assertThat(found).isLessThanOrEqualTo(DEFAULTS.pingDelay().plus(s(0.01)));
        assertThat(pair.path).endsWith("node-a PRIMARY->FAILED:SPLIT_BRAIN_LOST");
        assertThat(pair.b.state()).isEqualTo(State.PRIMARY);
    }

    /**
     * Found by seeds such as 127: the backup was reconnecting when its own process froze; the
     * primary recovered meanwhile. The freeze ended 4.9 s after the reconnect interval ran out, so
     * the interval's own timer was under the stall threshold, and the backup switched over from a
     * healthy primary on an interval it had mostly not been running for.
     */
    @Test
    void backupFrozenWhileReconnecting_resumesJustAfterTheIntervalRanOut_reChecksAndStaysBackup() {
        Pair pair = new Pair(3, DEFAULTS, NO_IDLE_DETECTION).started();
        pair.a.freeze();
        long reconnecting = pair.time.nanos();
        pair.runUntil(() -> pair.b.state() == State.RECONNECTING, Duration.ofMinutes(1));
        Duration since = Duration.ofNanos(pair.time.nanos() - reconnecting);
        pair.time.advance(s(3));

        pair.b.freeze();
        pair.time.advance(s(5));
        pair.a.resume();
        Duration deadline = DEFAULTS.reconnectInterval().minus(s(8));
        pair.time.advance(deadline.plus(s(4.9)));
        pair.b.resume();
        pair.time.advance(s(10));

        // ping.delay + 4 x ping.timeout, then a diagnosis of two round trips of 1 ms.
        assertThat(since).isEqualTo(s(22.002));
        assertThat(pair.b.state()).isEqualTo(State.BACKUP);
        assertThat(pair.path)
                .doesNotContain("node-b RECONNECTING->PRIMARY:RECONNECT_INTERVAL_EXPIRED");
        assertThat(pair.notices).anyMatch(n -> n.kind() == Notice.Kind.STALL_DETECTED);
    }
}
