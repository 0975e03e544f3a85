package io.switchover.core.state;

import static io.switchover.core.testing.CoreHarness.hello;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.port.Connection;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.state.Reason.Cause;
import io.switchover.core.testing.CoreHarness;
import io.switchover.core.testing.SimulatedPeerLink.Behaviour;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** PRIMARY -> FAILED, split brain, FAILED -> STARTING, and shutdown from every state. */
class PrimaryRoleTest {

    /** A node that became primary by the fail-safe, at generation {@code stored + 1}. */
    private static CoreHarness primary(long seed, long stored) {
        CoreHarness h =
                new CoreHarness(seed, CoreHarness.config().build(), CoreHarness.RELEASE, stored);
        h.link.bothConnected(false);
        h.machine.start();
        h.time.advance(Duration.ofSeconds(30));
        assertThat(h.machine.state()).isEqualTo(State.PRIMARY);
        h.link.bothConnected(true);
        return h;
    }

    private static PeerMessage.TookOver tookOver(long generation) {
        return new PeerMessage.TookOver(
                CoreHarness.PEER,
                0,
                generation,
                Reason.of(Cause.MODULE_DOWN, "module down on node-b"));
    }

    @Test
    void onTookOver_peerTookOverWithHigherGeneration_failedAndWritesKeptAside() {
        CoreHarness h = primary(1, 4);

        h.machine.onPeerMessage(tookOver(6));

        assertThat(h.path()).endsWith("PRIMARY->FAILED:PEER_TOOK_OVER");
        assertThat(h.lastReason().detail())
                .isEqualTo(
                        "the peer announced it took over (MODULE_DOWN: module down on node-b):"
                                + " 'node-a' generation 6, this node generation 5; stepping down");
        assertThat(h.replication.keptAside).containsExactly(5L);
        h.time.advance(Duration.ofMinutes(10));
        assertThat(h.machine.state()).isEqualTo(State.FAILED);
    }

    @ParameterizedTest(
            name = "own rank {0}, stored {1} (primary with {2}); peer generation {3} -> {4}")
    @CsvSource({
        "1, 4, 5, 7, FAILED",
        "1, 4, 5, 3, PRIMARY",
        "1, 4, 5, 6, FAILED",
        "0, 4, 6, 7, FAILED",
        "0, 4, 6, 5, PRIMARY",
    })
    void onHello_twoPrimariesMeet_lowerGenerationStepsDown(
            int ownRank, long stored, long own, long peerGeneration, State expected) {
        // The fail-safe promotion takes the next generation of the own rank's class above the
        // stored one; the peer, of the other class, never holds the same number.
        CoreHarness h =
                new CoreHarness(
                        2,
                        CoreHarness.config().tieBreakRank(ownRank).build(),
                        CoreHarness.RELEASE,
                        stored);
        h.link.bothConnected(false);
        h.machine.start();
        h.time.advance(Duration.ofSeconds(30));
        h.link.bothConnected(true);
        assertThat(h.machine.generation()).isEqualTo(own);

        h.machine.onPeerMessage(
                new PeerMessage.Hello(
                        CoreHarness.PEER,
                        1 - ownRank,
                        State.PRIMARY,
                        CoreHarness.RELEASE,
                        peerGeneration));

        assertThat(h.machine.state()).isEqualTo(expected);
        if (expected == State.FAILED) {
            assertThat(h.lastReason().cause()).isEqualTo(Cause.SPLIT_BRAIN_LOST);
            assertThat(h.replication.keptAside).containsExactly(own);
            // Its last word as primary, so that the winner records the split brain as well.
            assertThat(h.link.messages())
                    .last()
                    .isEqualTo(
                            new PeerMessage.Hello(
                                    CoreHarness.SELF,
                                    ownRank,
                                    State.PRIMARY,
                                    CoreHarness.RELEASE,
                                    own));
        } else {
            assertThat(h.listener.notices(Notice.Kind.SPLIT_BRAIN_WON)).hasSize(1);
            assertThat(h.replication.keptAside).isEmpty();
        }
    }

    @Test
    void onHello_peerStartingWhilePrimary_answersAsPrimary() {
        CoreHarness h = primary(3, 0);
        int before = h.link.messages().size();

        h.machine.onPeerMessage(hello(State.STARTING, 0));

        assertThat(h.link.messages()).hasSize(before + 1);
        PeerMessage.Hello reply =
                (PeerMessage.Hello) h.link.messages().get(h.link.messages().size() - 1);
        assertThat(reply.role()).isEqualTo(State.PRIMARY);
        assertThat(reply.generation()).isEqualTo(1);
    }

    @Test
    void onConnectionChanged_upWhilePrimary_announcesItselfSoASplitBrainIsNoticed() {
        CoreHarness h = primary(4, 0);
        int before = h.link.messages().size();
        h.machine.onConnectionChanged(Connection.AUXILIARY, true);
        assertThat(h.link.messages()).hasSize(before + 1);
    }

    @Test
    void rejoin_failedNode_startsOverAndBecomesBackupOfTheNewPrimary() {
        CoreHarness h = primary(5, 0);
        h.machine.onPeerMessage(tookOver(2));

        CommandResult result = h.machine.rejoin();
        h.machine.onPeerMessage(hello(State.PRIMARY, 2));

        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
        assertThat(h.path())
                .containsExactly(
                        "STARTING->PRIMARY:PEER_NOT_CONTACTED",
                        "PRIMARY->FAILED:PEER_TOOK_OVER",
                        "FAILED->STARTING:OPERATOR_REJOIN",
                        "STARTING->BACKUP:PEER_IS_PRIMARY");
    }

    @Test
    void rejoin_notFailed_refusedWithReason() {
        CoreHarness h = primary(6, 0);
        CommandResult result = h.machine.rejoin();
        assertThat(result)
                .isEqualTo(
                        CommandResult.refused(
                                "rejoin applies to a FAILED node; this node is PRIMARY"));
        assertThat(h.listener.notices(Notice.Kind.COMMAND_REFUSED)).hasSize(1);
    }

    static Stream<Arguments> everyLiveState() {
        Consumer<CoreHarness> starting = h -> h.machine.start();
        Consumer<CoreHarness> backup = h -> h.startAsBackupOf(1);
        Consumer<CoreHarness> reconnecting =
                h -> {
                    h.startAsBackupOf(1);
                    h.link.notifier(Behaviour.HANG);
                    h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
                };
        Consumer<CoreHarness> primary =
                h -> {
                    h.machine.start();
                    h.machine.onPeerMessage(hello(State.BACKUP, 1));
                };
        Consumer<CoreHarness> failed =
                h -> {
                    primary.accept(h);
                    h.machine.onPeerMessage(tookOver(9));
                };
        Consumer<CoreHarness> upgrade =
                h -> {
                    h.machine.start();
                    h.machine.onPeerMessage(
                            new PeerMessage.Hello(
                                    CoreHarness.PEER,
                                    0,
                                    State.PRIMARY,
                                    io.switchover.core.port.Release.parse("2.3"),
                                    1));
                };
        return Stream.of(
                Arguments.of(State.STARTING, starting),
                Arguments.of(State.BACKUP, backup),
                Arguments.of(State.RECONNECTING, reconnecting),
                Arguments.of(State.PRIMARY, primary),
                Arguments.of(State.FAILED, failed),
                Arguments.of(State.UPGRADE_HIGHER, upgrade));
    }

    @ParameterizedTest(name = "{0} -> STOPPED")
    @MethodSource("everyLiveState")
    void stop_fromEveryState_stoppedForGoodWithNothingLeftRunning(
            State state, Consumer<CoreHarness> reach) {
        CoreHarness h = new CoreHarness(7, CoreHarness.config().build());
        reach.accept(h);
        assertThat(h.machine.state()).isEqualTo(state);

        h.machine.stop("daemon shutdown");
        h.time.runDue();
        int sent = h.link.sent().size();
        int messages = h.link.messages().size();
        h.machine.onPeerMessage(hello(State.STARTING, 0));
        h.time.advance(Duration.ofHours(1));

        assertThat(h.path()).endsWith(state + "->STOPPED:SHUTDOWN");
        assertThat(h.machine.state()).isEqualTo(State.STOPPED);
        assertThat(h.link.outstanding()).isZero();
        assertThat(h.link.sent()).hasSize(sent);
        assertThat(h.link.messages()).hasSize(messages);
        assertThat(h.time.pendingDelays()).isEmpty();
    }

    @Test
    void transitions_everyOne_hasAReasonSequenceAndActionsInOrder() {
        CoreHarness h = primary(8, 0);
        h.machine.onPeerMessage(tookOver(5));
        h.machine.stop("test over");

        assertThat(h.transitions()).extracting(Transition::sequence).containsExactly(1L, 2L, 3L);
        assertThat(h.transitions()).allSatisfy(t -> assertThat(t.reason().detail()).isNotBlank());
        assertThat(h.actions.calls)
                .containsExactly(
                        "left:STARTING",
                        "entered:PRIMARY@1 stored=1",
                        "left:PRIMARY",
                        "entered:FAILED@1 stored=1",
                        "left:FAILED",
                        "entered:STOPPED@1 stored=1");
    }

    // ---- A newer history returns ----

    @Test
    void onHello_peerStartingWithANewerGeneration_stepsDownKeepsItsWritesAsideAndAnswers() {
        // Generation 1 here; the peer took over with 4 while this node was cut off or frozen,
        // served, and restarted. This node is the stale primary.
        CoreHarness h = primary(9, 0);
        int before = h.link.messages().size();

        h.machine.onPeerMessage(hello(State.STARTING, 4));

        assertThat(h.path()).endsWith("PRIMARY->FAILED:SPLIT_BRAIN_LOST");
        assertThat(h.lastReason().detail())
                .isEqualTo(
                        "the peer 'node-a' is starting with generation 4, newer than this"
                                + " primary's 1: it took over while the two were apart; stepping"
                                + " down");
        assertThat(h.replication.keptAside).containsExactly(1L);
        PeerMessage.Hello answer =
                (PeerMessage.Hello) h.link.messages().get(h.link.messages().size() - 1);
        assertThat(h.link.messages()).hasSize(before + 1);
        assertThat(answer.role()).isEqualTo(State.FAILED);
    }

    @Test
    void onHello_peerStartingWithAnOlderGeneration_answersAndStaysPrimary() {
        CoreHarness h = primary(10, 4);

        h.machine.onPeerMessage(hello(State.STARTING, 2));

        assertThat(h.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(h.replication.keptAside).isEmpty();
    }

    @Test
    void primary_inRole_announcesItselfEveryPingDelay() {
        // Without this, a split brain after a silent partition (no connection ever reported
        // down, so no hello on reconnection) would last until an operator noticed.
        CoreHarness h = primary(11, 0);
        int before = h.link.messages().size();

        h.time.advance(Duration.ofSeconds(10));

        List<PeerMessage> announced = h.link.messages().subList(before, h.link.messages().size());
        assertThat(announced)
                .hasSize(5)
                .allSatisfy(
                        m -> {
                            assertThat(((PeerMessage.Hello) m).role()).isEqualTo(State.PRIMARY);
                            assertThat(m.generation()).isEqualTo(1);
                        });
    }

    @Test
    void primary_leavesTheRole_stopsAnnouncing() {
        CoreHarness h = primary(12, 0);
        h.machine.onPeerMessage(tookOver(3));
        int before = h.link.messages().size();

        h.time.advance(Duration.ofSeconds(10));

        assertThat(h.link.messages()).hasSize(before);
    }
}
