package io.switchover.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Release;
import io.switchover.core.testing.CoreHarness;
import io.switchover.core.testing.SimulatedPeerLink.Behaviour;
import io.switchover.core.testing.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Manual (controlled) switchover between two cores joined by a simulated link. */
class HandoverTest {

    private static final String NETTEST = "203.0.113.7";

    private final VirtualTime time = VirtualTime.withSeed(77);

    /** Primary, generation 1. */
    private CoreHarness a;

    /** Its backup. */
    private CoreHarness b;

    private void pair(Release backupRelease) {
        pair(CoreHarness.peerConfig().build(), CoreHarness.config().build(), backupRelease);
    }

    private void pair(CoreConfig primaryConfig, CoreConfig backupConfig, Release backupRelease) {
        a = new CoreHarness(time, primaryConfig, CoreHarness.RELEASE, 0, List.of());
        b = new CoreHarness(time, backupConfig, backupRelease, 0, List.of());
        a.link.deliverTo(b.machine::onPeerMessage);
        b.link.deliverTo(a.machine::onPeerMessage);
        a.link.bothConnected(false);
        a.machine.start();
        time.advance(Duration.ofSeconds(30));
        a.link.bothConnected(true);
        b.machine.start();
        time.advance(Duration.ofMillis(10));
        assertThat(a.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(b.machine.state().isBackup()).isTrue();
    }

    private void pair() {
        pair(CoreHarness.RELEASE);
    }

    @ParameterizedTest(name = "requested on the {0}")
    @ValueSource(strings = {"backup", "primary"})
    void manualSwitchover_healthyPair_drainsThenSwapsRolesWithoutRestart(String where) {
        pair();

        CommandResult result = (where.equals("backup") ? b : a).machine.manualSwitchover();
        time.advance(Duration.ofSeconds(1));

        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
        assertThat(b.path()).endsWith("BACKUP->PRIMARY:MANUAL_SWITCHOVER");
        assertThat(a.path()).endsWith("PRIMARY->BACKUP:MANUAL_SWITCHOVER");
        // node-a (rank 0) is primary with 2; node-b (rank 1) takes the next odd generation.
        assertThat(b.machine.generation()).isEqualTo(3);
        assertThat(a.machine.generation()).isEqualTo(3);
        assertThat(b.lastReason().detail())
                .isEqualTo(
                        (where.equals("backup")
                                        ? "requested on this node"
                                        : "requested on the primary 'node-a'")
                                + "; the primary stopped writes and drained replication");
        assertThat(a.lastReason().detail())
                .isEqualTo("handed over to 'node-b', generation 3 (replication drained)");
        // Writes stopped and drained before the backup promoted; nothing kept aside or resumed.
        assertThat(a.replication.writeGate).containsExactly("stop", "drain", "drained");
        assertThat(a.replication.keptAside).isEmpty();
        assertThat(a.listener.notices(Notice.Kind.HANDOVER_ABORTED)).isEmpty();
        assertThat(b.listener.notices(Notice.Kind.HANDOVER_ABORTED)).isEmpty();
    }

    @Test
    void manualSwitchover_done_oldPrimaryKeepsWorkingAsBackup() {
        pair();
        b.machine.manualSwitchover();
        time.advance(Duration.ofMinutes(10));

        assertThat(a.machine.state()).isEqualTo(State.BACKUP);
        assertThat(b.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(a.replication.resyncs).hasSize(1);
    }

    @Test
    void manualSwitchover_upgradeState_promotesAndOldPrimaryFails() {
        pair(Release.parse("2.5.0"));
        assertThat(b.machine.state()).isEqualTo(State.UPGRADE_HIGHER);

        b.machine.manualSwitchover();
        time.advance(Duration.ofSeconds(1));

        assertThat(b.path()).endsWith("UPGRADE_HIGHER->PRIMARY:MANUAL_SWITCHOVER");
        assertThat(a.path()).endsWith("PRIMARY->FAILED:MANUAL_SWITCHOVER");
        assertThat(a.lastReason().detail()).contains("the releases differ");
    }

    @Test
    void manualSwitchover_drainNeverCompletes_abandonedAndPrimaryResumesWrites() {
        pair();
        a.replication.drainTime = null;

        a.machine.manualSwitchover();
        time.advance(CoreConfig.DEFAULT_HANDOVER_TIMEOUT.plusSeconds(1));

        assertThat(a.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(b.machine.state()).isEqualTo(State.BACKUP);
        assertThat(a.replication.writeGate).containsExactly("stop", "drain", "resume");
        assertThat(a.listener.notices(Notice.Kind.HANDOVER_ABORTED))
                .singleElement()
                .satisfies(
                        n ->
                                assertThat(n.detail())
                                        .isEqualTo(
                                                "manual switchover abandoned: replication did not drain"
                                                        + " within 30s"));
        // The operator can try again.
        assertThat(a.machine.manualSwitchover()).isInstanceOf(CommandResult.Accepted.class);
    }

    @Test
    void manualSwitchover_drainFails_abandonedAtOnce() {
        pair();
        a.replication.drainSucceeds = false;

        b.machine.manualSwitchover();
        time.advance(Duration.ofSeconds(1));

        assertThat(a.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(b.machine.state()).isEqualTo(State.BACKUP);
        assertThat(a.replication.writeGate)
                .containsExactly("stop", "drain", "drain failed", "resume");
        assertThat(b.listener.notices(Notice.Kind.HANDOVER_ABORTED))
                .singleElement()
                .satisfies(
                        n ->
                                assertThat(n.detail())
                                        .isEqualTo(
                                                "'node-a' abandoned the manual switchover: replication could"
                                                        + " not drain"));
    }

    @Test
    void manualSwitchover_askedOnPrimaryButBackupNotInSync_backupRefusesAndPrimaryResumes() {
        pair();
        b.replication.inSync = false;

        a.machine.manualSwitchover();
        time.advance(Duration.ofSeconds(1));

        assertThat(a.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(b.machine.state()).isEqualTo(State.BACKUP);
        assertThat(a.replication.writeGate).endsWith("resume");
        assertThat(a.listener.notices(Notice.Kind.HANDOVER_ABORTED))
                .singleElement()
                .satisfies(n -> assertThat(n.detail()).contains("peer not in sync"));
    }

    // ---- Refusals, each with its reason ----

    @Test
    void manualSwitchover_backupNotInSync_refused() {
        pair();
        b.replication.inSync = false;
        assertThat(b.machine.manualSwitchover())
                .isEqualTo(
                        CommandResult.refused(
                                "peer not in sync: this backup has not caught up with the"
                                        + " primary (--force takes over anyway, losing what is not"
                                        + " replicated)"));
    }

    @Test
    void manualSwitchover_forcedOnBackupNotInSync_takesOverAfterTheDrain() {
        pair();
        b.replication.inSync = false;

        assertThat(b.machine.manualSwitchover(true)).isInstanceOf(CommandResult.Accepted.class);
        time.advance(Duration.ofSeconds(1));

        assertThat(b.machine.state()).isEqualTo(State.PRIMARY);
        assertThat(a.machine.state()).isEqualTo(State.BACKUP);
    }

    @Test
    void manualSwitchover_alreadyInProgress_refused() {
        pair();
        a.replication.drainTime = null;
        b.machine.manualSwitchover();
        time.advance(Duration.ofSeconds(1));

        assertThat(b.machine.manualSwitchover())
                .isEqualTo(CommandResult.refused("switchover already in progress"));
        assertThat(a.machine.manualSwitchover())
                .isEqualTo(CommandResult.refused("switchover already in progress"));
    }

    @Test
    void manualSwitchover_notConnected_refusedNoPeer() {
        pair();
        b.link.bothConnected(false);
        assertThat(b.machine.manualSwitchover())
                .isEqualTo(CommandResult.refused("no peer: not connected to the peer"));
    }

    @Test
    void manualSwitchover_primaryWithoutBackup_refusedNoPeer() {
        CoreHarness alone = new CoreHarness(3, CoreHarness.config().build());
        alone.link.bothConnected(false);
        alone.machine.start();
        alone.time.advance(Duration.ofSeconds(30));
        alone.link.bothConnected(true);

        assertThat(alone.machine.manualSwitchover())
                .isEqualTo(CommandResult.refused("no peer: no backup has announced itself"));
    }

    @Test
    void manualSwitchover_starting_refusedNoPeer() {
        CoreHarness h = new CoreHarness(4, CoreHarness.config().build());
        h.machine.start();
        assertThat(h.machine.manualSwitchover())
                .isEqualTo(CommandResult.refused("no peer: this node is STARTING"));
    }

    @Test
    void manualSwitchover_reconnectingWithoutAnyConnection_refusedNoPeer() {
        CoreHarness h = new CoreHarness(5, CoreHarness.config().build()).startAsBackupOf(1);
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
        h.link.bothConnected(false);

        CommandResult result = h.machine.manualSwitchover();

        assertThat(result).isEqualTo(CommandResult.refused("no peer: not connected to the peer"));
        assertThat(h.listener.notices(Notice.Kind.COMMAND_REFUSED)).hasSize(1);
    }

    @Test
    void manualSwitchover_reconnectingWhileConnectedAndAutomaticSwitchoverBlocked_handsOver() {
        // The primary's module stopped answering, but this backup's NetTest does not answer
        // either: the isolation guard holds the automatic switchover back. The peer is still
        // connected, so the operator can switch over by hand, losing nothing.
        pair(
                CoreHarness.peerConfig().build(),
                CoreHarness.config().netTestAddresses(List.of(NETTEST)).build(),
                CoreHarness.RELEASE);
        b.link.module(Behaviour.HANG);
        b.runUntil(State.RECONNECTING, Duration.ofMinutes(2));
        time.advance(Duration.ofMinutes(2));
        assertThat(b.machine.state()).isEqualTo(State.RECONNECTING);
        assertThat(b.listener.notices(Notice.Kind.PROMOTION_BLOCKED)).isNotEmpty();

        CommandResult result = b.machine.manualSwitchover();
        time.advance(Duration.ofSeconds(1));

        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
        assertThat(b.path()).endsWith("RECONNECTING->PRIMARY:MANUAL_SWITCHOVER");
        assertThat(a.path()).endsWith("PRIMARY->BACKUP:MANUAL_SWITCHOVER");
        assertThat(a.replication.writeGate).containsExactly("stop", "drain", "drained");
    }

    @Test
    void manualSwitchover_reconnectingAndNotInSync_refused() {
        CoreHarness h = new CoreHarness(6, CoreHarness.config().build()).startAsBackupOf(1);
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
        h.replication.inSync = false;

        assertThat(h.machine.manualSwitchover())
                .isEqualTo(
                        CommandResult.refused(
                                "peer not in sync: this backup has not caught up with the"
                                        + " primary (--force takes over anyway, losing what is not"
                                        + " replicated)"));
    }

    @Test
    void manualSwitchover_backupFallsIntoReconnectingMeanwhile_handoverGoesOnAndCompletes() {
        // Reconnecting, this backup can still take over once the primary has drained: the
        // handover goes on rather than leaving the primary's writes stopped for nothing.
        pair();
        a.replication.drainTime = Duration.ofSeconds(25);
        b.machine.manualSwitchover();
        time.advance(Duration.ofMillis(10));

        b.link.notifier(Behaviour.HANG);
        b.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
        b.runUntil(State.PRIMARY, Duration.ofSeconds(10));
        time.advance(Duration.ofMillis(10));

        assertThat(b.path()).endsWith("RECONNECTING->PRIMARY:MANUAL_SWITCHOVER");
        assertThat(a.path()).endsWith("PRIMARY->BACKUP:MANUAL_SWITCHOVER");
        assertThat(a.replication.writeGate).containsExactly("stop", "drain", "drained");
        assertThat(a.listener.notices(Notice.Kind.HANDOVER_ABORTED)).isEmpty();
    }

    @Test
    void manualSwitchover_backupPromotedAutomaticallyMeanwhile_handoverAbandonedAndPeerTold() {
        Duration patient = Duration.ofMinutes(5);
        pair(
                CoreHarness.peerConfig().handoverTimeout(patient).build(),
                CoreHarness.config().handoverTimeout(patient).build(),
                CoreHarness.RELEASE);
        a.replication.drainTime = null;
        b.machine.manualSwitchover();
        time.advance(Duration.ofMillis(10));

        // The module stops answering: the backup switches over by itself, not by the handover.
        b.link.module(Behaviour.HANG);
        b.runUntil(State.PRIMARY, Duration.ofMinutes(2));
        time.advance(Duration.ofMillis(10));

        assertThat(b.path()).endsWith("RECONNECTING->PRIMARY:MODULE_DOWN");
        assertThat(a.listener.notices(Notice.Kind.HANDOVER_ABORTED))
                .singleElement()
                .satisfies(
                        n ->
                                assertThat(n.detail())
                                        .contains("'node-b' moved from RECONNECTING to PRIMARY"));
        assertThat(a.path()).endsWith("PRIMARY->FAILED:PEER_TOOK_OVER");
    }

    /**
     * The old primary announces itself every ping delay. An announcement sent after it drained but
     * before the backup's TookOver reaches it arrives at a node that is already primary: that is
     * the tail of the handover, not a second primary. Every phase of the announcement against the
     * handover is tried, with a slow link so the window is wide.
     */
    @ParameterizedTest(name = "switchover {0} ms into the announcement period")
    @ValueSource(ints = {0, 100, 300, 500, 700, 900, 1100, 1300, 1500, 1700, 1900})
    void manualSwitchover_oldPrimaryAnnouncesWhileTookOverInFlight_noSplitBrainSeen(
            int phaseMillis) {
        pair();
        Duration latency = Duration.ofMillis(400);
        a.link.messageLatency = latency;
        b.link.messageLatency = latency;
        time.advance(Duration.ofMillis(phaseMillis));

        b.machine.manualSwitchover();
        time.advance(Duration.ofSeconds(10));

        assertThat(b.path()).endsWith("BACKUP->PRIMARY:MANUAL_SWITCHOVER");
        assertThat(a.path()).endsWith("PRIMARY->BACKUP:MANUAL_SWITCHOVER");
        assertThat(b.listener.notices(Notice.Kind.SPLIT_BRAIN_WON)).isEmpty();
        assertThat(a.replication.keptAside).isEmpty();
    }
}
