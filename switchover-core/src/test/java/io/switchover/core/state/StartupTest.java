package io.switchover.core.state;

import static io.switchover.core.testing.CoreHarness.hello;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Connection;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.Release;
import io.switchover.core.state.Reason.Cause;
import io.switchover.core.testing.CoreHarness;
import io.switchover.core.testing.SimulatedPeerLink.PingKind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class StartupTest {

    private static final Duration WINDOW = CoreConfig.DEFAULT_STARTUP_WINDOW;

    private CoreHarness harness(long seed) {
        return new CoreHarness(seed, CoreHarness.config().build());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void start_peerAnswersPrimarySameRelease_becomesBackupAdoptsGenerationAndMonitors(long seed) {
        CoreHarness h = harness(seed);
        h.machine.start();
        h.machine.onPeerMessage(hello(State.PRIMARY, 4));

        assertThat(h.path()).containsExactly("STARTING->BACKUP:PEER_IS_PRIMARY");
        assertThat(h.machine.generation()).isEqualTo(4);
        assertThat(h.store.writes()).containsExactly(4L);
        assertThat(h.replication.resyncs).hasSize(1);
        h.time.advance(Duration.ofSeconds(3));
        assertThat(h.link.sent(PingKind.NOTIFIER)).isNotEmpty();
        assertThat(h.link.sent(PingKind.MODULE)).isNotEmpty();
    }

    @ParameterizedTest(name = "own {0}, primary {1} -> {2}")
    @CsvSource({"2.5.0, 2.4.0, UPGRADE_HIGHER", "2.3.9, 2.4.0, UPGRADE_LOWER"})
    void start_peerAnswersPrimaryOtherRelease_upgradeStateWithoutMonitors(
            String own, String primary, State expected) {
        CoreHarness h = new CoreHarness(5, CoreHarness.config().build(), Release.parse(own), 0);
        h.machine.start();
        h.machine.onPeerMessage(
                new PeerMessage.Hello(
                        CoreHarness.PEER, 0, State.PRIMARY, Release.parse(primary), 3));

        assertThat(h.machine.state()).isEqualTo(expected);
        assertThat(h.lastReason().detail()).contains("no automatic switchover");
        h.time.advance(Duration.ofMinutes(10));
        assertThat(h.link.sent()).isEmpty();
        assertThat(h.machine.state()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void start_peerNeverContacted_failSafePrimaryWhenTheStartupWindowEnds(long seed) {
        CoreHarness h = harness(seed);
        h.link.bothConnected(false);
        h.machine.start();

        h.time.advance(WINDOW.minusNanos(1));
        assertThat(h.machine.state()).isEqualTo(State.STARTING);
        h.time.advance(Duration.ofNanos(1));

        assertThat(h.path()).containsExactly("STARTING->PRIMARY:PEER_NOT_CONTACTED");
        assertThat(h.lastReason().detail()).isEqualTo("could not contact the peer within 30s");
        assertThat(h.machine.generation()).isEqualTo(1);
    }

    @Test
    void start_connectedButPeerSilent_failSafeSaysItWasConnected() {
        CoreHarness h = harness(13);
        h.machine.start();
        h.time.advance(WINDOW);
        assertThat(h.lastReason().detail())
                .isEqualTo("connected to the peer, but it did not identify itself within 30s");
    }

    @Test
    void promote_generation_storedBeforeTheRoleIsEntered() {
        CoreHarness h = new CoreHarness(14, CoreHarness.config().build(), CoreHarness.RELEASE, 6);
        h.link.bothConnected(false);
        h.machine.start();
        h.time.advance(WINDOW);

        assertThat(h.actions.calls).containsExactly("left:STARTING", "entered:PRIMARY@7 stored=7");
    }

    @Test
    void promote_generationStoreFails_staysStartingAndRetriesAfterAnotherWindow() {
        CoreHarness h = harness(15);
        h.link.bothConnected(false);
        h.store.failNext(1);
        h.machine.start();

        h.time.advance(WINDOW);
        assertThat(h.machine.state()).isEqualTo(State.STARTING);
        assertThat(h.listener.notices(Notice.Kind.PROMOTION_FAILED))
                .singleElement()
                .satisfies(n -> assertThat(n.detail()).contains("disk full"));

        h.time.advance(WINDOW);
        assertThat(h.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(h.store.writes()).containsExactly(1L);
    }

    @ParameterizedTest
    @EnumSource(
            value = State.class,
            names = {"BACKUP", "RECONNECTING", "UPGRADE_HIGHER", "FAILED", "STOPPED"})
    void start_peerAnswersNotPrimary_becomesPrimaryAboveThePeersGeneration(State peerRole) {
        CoreHarness h = harness(16);
        h.machine.start();
        h.machine.onPeerMessage(hello(peerRole, 9));

        assertThat(h.path()).containsExactly("STARTING->PRIMARY:PEER_NOT_PRIMARY");
        // The next generation of this node's class (rank 1: odd) above the peer's.
        assertThat(h.machine.generation()).isEqualTo(11);
    }

    @Test
    void start_whileStarting_repeatsHelloEveryPingDelayUntilDecided() {
        CoreHarness h = harness(17);
        h.machine.start();
        h.time.advance(Duration.ofSeconds(5));
        assertThat(h.link.messages())
                .hasSize(3)
                .allMatch(m -> ((PeerMessage.Hello) m).role() == State.STARTING);

        h.machine.onPeerMessage(hello(State.PRIMARY, 1));
        h.time.advance(Duration.ofSeconds(5));
        // One more: the backup announces itself once, then the starting hellos stop.
        assertThat(h.link.messages()).hasSize(4);
        assertThat(((PeerMessage.Hello) h.link.messages().get(3)).role()).isEqualTo(State.BACKUP);
    }

    @Test
    void onConnectionChanged_upWhileStarting_saysHelloAtOnce() {
        CoreHarness h = harness(18);
        h.machine.start();
        h.machine.onConnectionChanged(Connection.MAIN, true);
        assertThat(h.link.messages()).hasSize(2);
    }

    // ---- Both nodes starting together ----

    @ParameterizedTest(name = "own rank {0} vs peer rank {1}")
    @CsvSource({"0, 1", "1, 0"})
    void onHello_bothStarting_exactlyOneBecomesPrimaryAndTheOtherItsBackup(
            int ownRank, int peerRank) {
        CoreHarness self = new CoreHarness(19, CoreHarness.config().tieBreakRank(ownRank).build());
        CoreHarness peer =
                new CoreHarness(20, CoreHarness.peerConfig().tieBreakRank(peerRank).build());
        self.machine.start();
        peer.machine.start();

        // Each receives the other's first hello; a winner announces itself primary.
        exchange(self, peer);
        exchange(self, peer);

        List<State> roles = List.of(self.machine.state(), peer.machine.state());
        assertThat(roles).containsExactlyInAnyOrder(State.PRIMARY, State.BACKUP);
        CoreHarness winner = self.machine.state() == State.PRIMARY ? self : peer;
        assertThat(winner.path()).containsExactly("STARTING->PRIMARY:TIE_BREAK_WON");
        assertThat(winner).isSameAs(ownRank == 0 ? self : peer);
    }

    private static void exchange(CoreHarness a, CoreHarness b) {
        List<PeerMessage> fromA = a.link.messages();
        List<PeerMessage> fromB = b.link.messages();
        b.machine.onPeerMessage(fromA.get(fromA.size() - 1));
        a.machine.onPeerMessage(fromB.get(fromB.size() - 1));
    }

    @Test
    void onHello_bothStartingAndLost_waitsThenFailSafeIfTheWinnerNeverAnnouncesItself() {
        CoreHarness h = harness(21);
        h.machine.start();
        h.machine.onPeerMessage(hello(State.STARTING, 0));

        assertThat(h.machine.state()).isEqualTo(State.STARTING);
        assertThat(h.machine.explanation()).contains("lost, waiting for 'node-a'");
        h.time.advance(WINDOW);
        assertThat(h.path()).containsExactly("STARTING->PRIMARY:PEER_NOT_CONTACTED");
    }

    @Test
    void onPeerMessage_peerUsesOwnNodeId_ignoredAndNoFailSafePromotion() {
        CoreHarness h = harness(22);
        h.machine.start();
        h.machine.onPeerMessage(
                new PeerMessage.Hello(CoreHarness.SELF, 0, State.PRIMARY, CoreHarness.RELEASE, 1));

        h.time.advance(WINDOW.multipliedBy(3));

        assertThat(h.machine.state()).isEqualTo(State.STARTING);
        assertThat(h.listener.notices(Notice.Kind.PEER_MISCONFIGURED)).isNotEmpty();
    }

    @Test
    void onPeerMessage_peerHasTheSameTieBreakRank_ignoredAndNoFailSafePromotion() {
        CoreHarness h = harness(25);
        h.machine.start();
        h.machine.onPeerMessage(
                new PeerMessage.Hello(
                        CoreHarness.PEER,
                        CoreHarness.SELF_RANK,
                        State.STARTING,
                        CoreHarness.RELEASE,
                        0));

        h.time.advance(WINDOW.multipliedBy(3));

        assertThat(h.machine.state()).isEqualTo(State.STARTING);
        assertThat(h.listener.notices(Notice.Kind.PEER_MISCONFIGURED))
                .first()
                .satisfies(
                        n ->
                                assertThat(n.detail())
                                        .isEqualTo(
                                                "the peer 'node-a' also has tie-break rank 1; one"
                                                        + " node needs node.tie-break-rank 0 and"
                                                        + " the other 1, ignoring its messages"));
    }

    @Test
    void onPeerMessage_misconfiguredPeerFixedAndRestarted_pairsNormally() {
        CoreHarness h = harness(26);
        h.machine.start();
        h.machine.onPeerMessage(
                new PeerMessage.Hello(
                        CoreHarness.PEER,
                        CoreHarness.SELF_RANK,
                        State.STARTING,
                        CoreHarness.RELEASE,
                        0));

        h.machine.onPeerMessage(hello(State.PRIMARY, 2));

        assertThat(h.path()).containsExactly("STARTING->BACKUP:PEER_IS_PRIMARY");
    }

    // ---- Self-stall guard ----

    @Test
    void startupWindow_timerRunsLateAfterAStall_asksThePeerAgainBeforeFailSafe() {
        CoreHarness h = harness(23);
        h.machine.start();
        h.time.advance(Duration.ofSeconds(10));
        int hellos = h.link.messages().size();

        h.time.stall(Duration.ofSeconds(60));
        h.time.runDue();

        assertThat(h.machine.state()).isEqualTo(State.STARTING);
        assertThat(h.listener.notices(Notice.Kind.STALL_DETECTED)).hasSize(1);
        assertThat(h.link.messages().size()).isGreaterThan(hellos);

        // The peer answers within the grace period: no fail-safe promotion.
        h.machine.onPeerMessage(hello(State.PRIMARY, 2));
        assertThat(h.path()).containsExactly("STARTING->BACKUP:PEER_IS_PRIMARY");
    }

    @Test
    void startupWindow_stallAndPeerStillSilent_failSafeAfterOnePingTimeout() {
        CoreHarness h = harness(24);
        h.link.bothConnected(false);
        h.machine.start();
        h.time.stall(Duration.ofSeconds(60));
        h.time.runDue();
        assertThat(h.machine.state()).isEqualTo(State.STARTING);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofSeconds(30));

        assertThat(took).isEqualTo(CoreConfig.DEFAULT_PING_TIMEOUT);
        assertThat(h.lastReason().cause()).isEqualTo(Cause.PEER_NOT_CONTACTED);
    }

    // ---- The primary's release changes under a running backup ----

    @ParameterizedTest(name = "primary comes back as {0} -> {1}")
    @CsvSource({"2.5.0, UPGRADE_LOWER", "2.3.0, UPGRADE_HIGHER"})
    void onHello_primaryRestartedWithAnotherRelease_backupDisarmsIntoUpgradeState(
            String primaryRelease, State expected) {
        CoreHarness h = harness(30).startAsBackupOf(3);

        h.machine.onPeerMessage(
                new PeerMessage.Hello(
                        CoreHarness.PEER, 0, State.PRIMARY, Release.parse(primaryRelease), 4));

        assertThat(h.path()).endsWith("BACKUP->" + expected + ":PEER_IS_PRIMARY");
        h.link.forgetSent();
        h.time.advance(Duration.ofMinutes(5));
        assertThat(h.link.sent()).isEmpty();
    }

    @Test
    void onHello_primaryUpgradedToThisRelease_upgradeStateBecomesArmedBackup() {
        CoreHarness h = new CoreHarness(31, CoreHarness.config().build(), Release.parse("2.5"), 0);
        h.machine.start();
        h.machine.onPeerMessage(hello(State.PRIMARY, 3));
        assertThat(h.machine.state()).isEqualTo(State.UPGRADE_HIGHER);

        h.machine.onPeerMessage(
                new PeerMessage.Hello(
                        CoreHarness.PEER, 0, State.PRIMARY, Release.parse("2.5.0"), 4));

        assertThat(h.path()).endsWith("UPGRADE_HIGHER->BACKUP:PEER_IS_PRIMARY");
        h.time.advance(Duration.ofSeconds(3));
        assertThat(h.link.sent(PingKind.NOTIFIER)).isNotEmpty();
    }

    // ---- Newer history first ----

    @Test
    void onHello_primaryWithAnOlderGenerationThanThisNode_doesNotFollowItAndAnnouncesItself() {
        // This node was primary with 7 while the peer, cut off, stayed primary with 4: following
        // the stale primary would overwrite what this node wrote as primary.
        CoreHarness h = new CoreHarness(27, CoreHarness.config().build(), CoreHarness.RELEASE, 7);
        h.machine.start();
        int before = h.link.messages().size();

        h.machine.onPeerMessage(hello(State.PRIMARY, 4));

        assertThat(h.machine.state()).isEqualTo(State.STARTING);
        assertThat(h.transitions()).isEmpty();
        assertThat(h.machine.explanation())
                .isEqualTo(
                        "the peer 'node-a' announces itself primary with generation 4, older than"
                                + " this node's 7; waiting for it to step down");
        assertThat(h.link.messages()).hasSize(before + 1);
        PeerMessage.Hello said = (PeerMessage.Hello) h.link.messages().get(before);
        assertThat(said.role()).isEqualTo(State.STARTING);
        assertThat(said.generation()).isEqualTo(7);

        // The stale primary steps down: this node then takes over above both generations.
        h.machine.onPeerMessage(hello(State.FAILED, 4));
        assertThat(h.path()).containsExactly("STARTING->PRIMARY:PEER_NOT_PRIMARY");
        assertThat(h.machine.generation()).isEqualTo(9);
    }

    @Test
    void startupWindow_stalePrimaryNeverStepsDown_failSafeSaysSo() {
        CoreHarness h = new CoreHarness(29, CoreHarness.config().build(), CoreHarness.RELEASE, 7);
        h.machine.start();
        h.machine.onPeerMessage(hello(State.PRIMARY, 4));

        h.time.advance(WINDOW);

        assertThat(h.path()).containsExactly("STARTING->PRIMARY:PEER_NOT_CONTACTED");
        assertThat(h.lastReason().detail())
                .isEqualTo(
                        "the peer stayed primary with an older generation than this node's 7 and"
                                + " did not step down within 30s");
    }

    @ParameterizedTest(name = "own generation {0} vs peer generation {1} -> own wins {2}")
    @CsvSource({"7, 2, true", "2, 7, false", "2, 2, false"})
    void onHello_bothStarting_newerGenerationFirstThenRank(long own, long peer, boolean ownWins) {
        // This node has rank 1: it wins only with the newer generation.
        CoreHarness h = new CoreHarness(28, CoreHarness.config().build(), CoreHarness.RELEASE, own);
        h.machine.start();

        h.machine.onPeerMessage(hello(State.STARTING, peer));

        if (ownWins) {
            assertThat(h.path()).containsExactly("STARTING->PRIMARY:TIE_BREAK_WON");
            assertThat(h.lastReason().detail())
                    .isEqualTo(
                            "both nodes starting; generation "
                                    + own
                                    + " vs "
                                    + peer
                                    + " for 'node-a'");
        } else {
            assertThat(h.machine.state()).isEqualTo(State.STARTING);
            assertThat(h.machine.explanation()).contains("lost, waiting for 'node-a'");
        }
    }
}
