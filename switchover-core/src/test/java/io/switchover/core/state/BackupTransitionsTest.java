package io.switchover.core.state;

import static io.switchover.core.testing.CoreHarness.hello;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.state.Reason.Cause;
import io.switchover.core.testing.CoreHarness;
import io.switchover.core.testing.SimulatedPeerLink.Behaviour;
import io.switchover.core.testing.SimulatedPeerLink.PingKind;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec's BACKUP and RECONNECTING transitions, in virtual time, with default timings. */
class BackupTransitionsTest {

    private static final String NETTEST = "203.0.113.7";

    private static Duration s(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static CoreHarness backup(long seed, CoreConfig config) {
        return new CoreHarness(seed, config).startAsBackupOf(3);
    }

    private static CoreHarness backup(long seed) {
        return backup(seed, CoreHarness.config().build());
    }

    // ---- BACKUP -> RECONNECTING -> PRIMARY: the four conditions ----

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void silentHang_reconnectAttemptsExhausted_switchesOverWithTheNextGenerationOfItsClass(
            long seed) {
        CoreHarness h = backup(seed);
        h.link.notifier(Behaviour.HANG).module(Behaviour.HANG);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofMinutes(5));

        assertThat(h.path())
                .containsExactly(
                        "STARTING->BACKUP:PEER_IS_PRIMARY",
                        "BACKUP->RECONNECTING:NOTIFIER_PING_FAILED",
                        "RECONNECTING->PRIMARY:RECONNECT_ATTEMPTS_EXHAUSTED");
        // 4 pings time out (22 s, analysed 1 ms later), then 5 attempts 2 s apart time out.
        assertThat(h.transitions().get(1).atNanos() - h.transitions().get(0).atNanos())
                .isEqualTo(s(22.001).toNanos());
        assertThat(took).isEqualTo(s(57.002));
        assertThat(h.transitions().get(1).reason().detail())
                .startsWith("notifier ping over MAIN timed out after 5s after 3 retries")
                .contains("REMOTE_NOTIFIER_DOWN (notifier silent, primary host reachable");
        // The reason says what the fresh diagnosis behind the promotion found.
        assertThat(h.lastReason().detail())
                .isEqualTo(
                        "5 reconnect attempts failed, every 2s; last timed out after 5s; then"
                                + " connections BOTH_UP, network PRIMARY_REACHED (rule"
                                + " PRIMARY_HOST), primary host REACHABLE");
        assertThat(h.last().isAutomaticSwitchover()).isTrue();
        // Rank 1 takes odd generations: the next one above the primary's 3 is 5.
        assertThat(h.machine.generation()).isEqualTo(5);
        assertThat(h.link.messages())
                .filteredOn(PeerMessage.TookOver.class::isInstance)
                .singleElement()
                .satisfies(m -> assertThat(m.generation()).isEqualTo(5));
    }

    @Test
    void processDeathWithConnectionReset_attemptsFailAtOnce_switchesOverWithinTwelveSeconds() {
        CoreHarness h = backup(4);
        h.time.advance(s(1));
        h.link.bothConnected(false);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofMinutes(5));

        // Error processing at the 2 s ping, then 5 attempts 2 s apart, each lost at once.
        assertThat(took.plus(s(1))).isEqualTo(s(12.002));
        assertThat(h.lastReason().cause()).isEqualTo(Cause.RECONNECT_ATTEMPTS_EXHAUSTED);
    }

    @Test
    void moduleDown_moduleDeterminedDown_reconnectingThenPrimaryAtOnce() {
        CoreHarness h = backup(5);
        h.link.module(Behaviour.HANG);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofMinutes(5));

        assertThat(h.path())
                .containsExactly(
                        "STARTING->BACKUP:PEER_IS_PRIMARY",
                        "BACKUP->RECONNECTING:MODULE_PING_FAILED",
                        "RECONNECTING->PRIMARY:MODULE_DOWN");
        // The first module ping (0 s) was answered; the second (2.001 s) is the first to fail.
        // Down after 2 x 2 failures (43 s), one confirmation ping (10 s), diagnosis (1 ms).
        assertThat(took.minus(s(2.001))).isEqualTo(s(53.001));
        assertThat(h.lastReason().detail())
                .contains("network OK, both connections up, module cannot be pinged");
    }

    @Test
    void primaryUnreachable_legacyDefault_switchesOverWithoutWaiting() {
        CoreHarness h = backup(6);
        h.link.bothConnected(false);
        h.probe.unreachable(CoreHarness.PEER_HOST);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofMinutes(5));

        // The 2 s ping is lost at once, retries too; the host ping times out after 1 s.
        assertThat(took).isEqualTo(s(3));
        assertThat(h.path())
                .containsExactly(
                        "STARTING->BACKUP:PEER_IS_PRIMARY",
                        "BACKUP->RECONNECTING:NOTIFIER_PING_FAILED",
                        "RECONNECTING->PRIMARY:PRIMARY_UNREACHABLE");
    }

    @Test
    void reconnectInterval_expiresBeforeTheAttempts_switchesOver() {
        CoreHarness h =
                backup(
                        7,
                        CoreHarness.config()
                                .reconnectAttempts(1000)
                                .reconnectInterval(s(20))
                                .build());
        h.link.notifier(Behaviour.HANG);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofMinutes(5));

        assertThat(took).isEqualTo(s(22.001 + 20 + 0.001));
        assertThat(h.lastReason().cause()).isEqualTo(Cause.RECONNECT_INTERVAL_EXPIRED);
        assertThat(h.lastReason().detail()).startsWith("no contact with the primary for 20s");
    }

    // ---- Unreachable primary wait ----

    @Test
    void primaryUnreachable_waitWithCount_switchesAfterThatManyUnansweredPings() {
        CoreHarness h =
                backup(
                        8,
                        CoreHarness.config()
                                .unreachablePrimaryPingDelay(s(5))
                                .unreachablePrimaryPingCount(3)
                                .build());
        h.link.bothConnected(false);
        h.probe.unreachable(CoreHarness.PEER_HOST);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofMinutes(5));

        // Reconnecting at 3 s; host pings at 8, 14, 20 s, each timing out after 1 s; then a
        // fresh diagnosis (1 s) before promoting.
        assertThat(took).isEqualTo(s(22));
        assertThat(h.listener.notices(Notice.Kind.WAITING_FOR_PRIMARY)).hasSize(1);
        assertThat(h.lastReason().detail())
                .isEqualTo(
                        "the primary's host did not answer 3 pings, every 5s; then connections"
                                + " BOTH_DOWN, network PRIMARY_UNREACHABLE (rule PRIMARY_HOST),"
                                + " primary host UNREACHABLE");
    }

    @Test
    void primaryUnreachable_waitIndefinitely_neverSwitchesAndReconnectsWhenItReturns() {
        CoreHarness h = backup(9, CoreHarness.config().unreachablePrimaryPingDelay(s(5)).build());
        h.link.bothConnected(false);
        h.probe.unreachable(CoreHarness.PEER_HOST);

        h.time.advance(Duration.ofMinutes(30));
        assertThat(h.machine.state()).isEqualTo(State.RECONNECTING);
        assertThat(h.machine.explanation()).contains("until it answers");

        h.link.bothConnected(true);
        h.probe.reachable(CoreHarness.PEER_HOST);
        h.runUntil(State.BACKUP, Duration.ofSeconds(30));

        assertThat(h.lastReason().cause()).isEqualTo(Cause.RECONNECTED);
        assertThat(h.path()).doesNotContain("RECONNECTING->PRIMARY:PRIMARY_UNREACHABLE");
    }

    @Test
    void connectionsDrop_hostProbeCouldNotRun_notReadAsUnreachableAndBackToBackupOnReconnect() {
        // The false takeover seen under CPU load: the connections blip, and the diagnosis's ping
        // of the primary's host never gets a probe thread. Read as "unreachable" it promoted at
        // once (legacy setting); it says nothing about the host, so it is asked again.
        CoreHarness h = backup(21);
        h.time.advance(s(1));
        h.link.bothConnected(false);
        h.probe.starved(1);

        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
        assertThat(h.lastReason().detail())
                .contains("REMOTE_NOTIFIER_DOWN")
                .contains("primary host REACHABLE");
        assertThat(h.probe.pinged())
                .as("the host ping that could not run was asked again")
                .startsWith(CoreHarness.PEER_HOST, CoreHarness.PEER_HOST);
        h.link.bothConnected(true);
        h.runUntil(State.BACKUP, Duration.ofMinutes(1));

        assertThat(h.path())
                .containsExactly(
                        "STARTING->BACKUP:PEER_IS_PRIMARY",
                        "BACKUP->RECONNECTING:NOTIFIER_PING_FAILED",
                        "RECONNECTING->BACKUP:RECONNECTED");
    }

    @Test
    void primaryUnreachable_waitWithCount_pingsThatCouldNotRunAreNotCounted() {
        CoreHarness h =
                backup(
                        22,
                        CoreHarness.config()
                                .unreachablePrimaryPingDelay(s(5))
                                .unreachablePrimaryPingCount(3)
                                .build());
        h.link.bothConnected(false);
        h.probe.unreachable(CoreHarness.PEER_HOST);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
        h.probe.starved(2);

        Duration took = h.runUntil(State.PRIMARY, Duration.ofMinutes(5));

        // As without starvation (host pings at 8, 14, 20 s; 22 s in all), plus the two pings
        // that could not run, asked again at once after their 1 s timeout.
        assertThat(took).isEqualTo(s(22 - 3 + 2));
        assertThat(h.lastReason().detail())
                .isEqualTo("the primary's host did not answer 3 pings, every 5s");
    }

    // ---- RECONNECTING -> BACKUP ----

    @Test
    void reconnecting_notifierAnswersAnAttempt_backToBackupWithResyncAndMonitorsRunning() {
        CoreHarness h = backup(10);
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
        h.link.notifier(Behaviour.ANSWER);

        h.runUntil(State.BACKUP, Duration.ofMinutes(1));

        assertThat(h.lastReason().detail()).isEqualTo("the notifier answered reconnect attempt 1");
        assertThat(h.replication.resyncs).hasSize(2);
        assertThat(h.replication.resyncs.get(1)).startsWith("RECONNECTED");
        h.link.forgetSent();
        h.time.advance(s(10));
        assertThat(h.link.sent(PingKind.NOTIFIER)).hasSizeGreaterThan(3);
        assertThat(h.link.sent(PingKind.MODULE)).isNotEmpty();
        assertThat(h.machine.state()).isEqualTo(State.BACKUP);
    }

    @Test
    void reconnecting_enteredForTheModuleAndModuleAnswersAgain_backToBackup() {
        // Own network not OK but the primary's host answers: the verdict on the module's silence
        // is "remote notifier down", so the backup reconnects, pinging the module.
        CoreHarness h = backup(11, CoreHarness.config().netTestAddresses(List.of(NETTEST)).build());
        h.link.module(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(2));
        assertThat(h.lastReason().detail()).contains("network not OK, primary reachable");
        h.link.module(Behaviour.ANSWER);

        h.runUntil(State.BACKUP, Duration.ofMinutes(1));

        assertThat(h.path())
                .containsExactly(
                        "STARTING->BACKUP:PEER_IS_PRIMARY",
                        "BACKUP->RECONNECTING:MODULE_PING_FAILED",
                        "RECONNECTING->BACKUP:MODULE_RESPONDING");
        assertThat(h.replication.resyncs).hasSize(2);
    }

    @Test
    void moduleNotification_confirmationPingAnswered_staysBackupNoErrorAndMonitorsResume() {
        CoreHarness h = backup(12);
        Duration ten = Duration.ofSeconds(10);
        h.link.scriptModule(
                io.switchover.core.port.PingOutcome.timeout(ten),
                io.switchover.core.port.PingOutcome.timeout(ten),
                io.switchover.core.port.PingOutcome.timeout(ten),
                io.switchover.core.port.PingOutcome.timeout(ten));

        h.time.advance(Duration.ofMinutes(2));

        assertThat(h.path()).containsExactly("STARTING->BACKUP:PEER_IS_PRIMARY");
        assertThat(h.listener.notices(Notice.Kind.NO_ERROR_FOUND))
                .singleElement()
                .satisfies(n -> assertThat(n.detail()).contains("MODULE_UP"));
        h.link.forgetSent();
        h.time.advance(s(10));
        assertThat(h.link.sent(PingKind.MODULE)).isNotEmpty();
    }

    @Test
    void reconnecting_peerRestartsAndSaysHello_backToBackupAndAnswers() {
        CoreHarness h = backup(13);
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));

        h.machine.onPeerMessage(hello(State.STARTING, 3));

        assertThat(h.last().to()).isEqualTo(State.BACKUP);
        assertThat(h.lastReason().detail()).isEqualTo("the peer 'node-a' is back and starting");
        PeerMessage reply = h.link.messages().get(h.link.messages().size() - 1);
        assertThat(((PeerMessage.Hello) reply).role()).isEqualTo(State.BACKUP);
    }

    @Test
    void reconnecting_primaryAnnouncesItself_backToBackupWithItsGeneration() {
        CoreHarness h = backup(14);
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));

        h.machine.onPeerMessage(hello(State.PRIMARY, 5));

        assertThat(h.path()).endsWith("RECONNECTING->BACKUP:RECONNECTED");
        assertThat(h.machine.generation()).isEqualTo(5);
    }

    // ---- The isolation guard ----

    static Stream<Arguments> isolatedBackups() {
        Consumer<CoreHarness> primaryDown =
                h -> {
                    h.link.bothConnected(false);
                    h.probe.unreachable(CoreHarness.PEER_HOST);
                };
        Consumer<CoreHarness> notifierDown = h -> h.link.bothConnected(false);
        Consumer<CoreHarness> notifierHangs = h -> h.link.notifier(Behaviour.HANG);
        CoreConfig netTest = CoreHarness.config().netTestAddresses(List.of(NETTEST)).build();
        CoreConfig gateway = CoreHarness.config().gatewayPingEnabled(true).build();
        CoreConfig longAttempts =
                netTest.toBuilder().reconnectAttempts(1000).reconnectInterval(s(20)).build();
        return Stream.of(
                Arguments.of(
                        "primary unreachable, NetTest unreachable",
                        netTest,
                        primaryDown,
                        Cause.PRIMARY_UNREACHABLE),
                Arguments.of(
                        "primary unreachable, gateway unreachable",
                        gateway,
                        primaryDown,
                        Cause.PRIMARY_UNREACHABLE),
                Arguments.of(
                        "attempts exhausted, NetTest unreachable",
                        netTest,
                        notifierDown,
                        Cause.RECONNECT_ATTEMPTS_EXHAUSTED),
                Arguments.of(
                        "interval expired, NetTest unreachable",
                        longAttempts,
                        notifierHangs,
                        Cause.RECONNECT_INTERVAL_EXPIRED));
    }

    @ParameterizedTest(name = "{0}: never promotes")
    @MethodSource("isolatedBackups")
    void isolationGuard_ownNetworkNotGood_neverPromotesSaysSoAndKeepsTrying(
            String row, CoreConfig config, Consumer<CoreHarness> fault, Cause blockedCause) {
        CoreHarness h = new CoreHarness(15, config, CoreHarness.RELEASE, 0, List.of("192.168.1.1"));
        h.startAsBackupOf(3);
        fault.accept(h);

        h.time.advance(Duration.ofMinutes(30));

        assertThat(h.machine.state()).isEqualTo(State.RECONNECTING);
        assertThat(h.path()).noneMatch(p -> p.contains("->PRIMARY"));
        List<Notice> blocked = h.listener.notices(Notice.Kind.PROMOTION_BLOCKED);
        assertThat(blocked.get(0).detail()).startsWith("not switching over (" + blockedCause + ")");
        // Logged when the cause or status changes, not on every retry of a long outage.
        assertThat(blocked).hasSizeLessThanOrEqualTo(2);
        assertThat(h.machine.explanation())
                .contains("own network status is")
                .contains("still trying to reconnect");
    }

    @Test
    void isolationGuard_ownNetworkComesBackWhilePrimaryStillDown_thenSwitchesOver() {
        CoreHarness h = backup(16, CoreHarness.config().netTestAddresses(List.of(NETTEST)).build());
        h.link.bothConnected(false);
        h.probe.unreachable(CoreHarness.PEER_HOST);
        h.time.advance(Duration.ofMinutes(5));
        assertThat(h.machine.state()).isEqualTo(State.RECONNECTING);

        h.probe.reachable(NETTEST);
        h.runUntil(State.PRIMARY, Duration.ofMinutes(2));

        assertThat(h.lastReason().cause()).isEqualTo(Cause.RECONNECT_ATTEMPTS_EXHAUSTED);
    }

    // ---- Self-stall guard ----

    @Test
    void reconnectInterval_expiredDuringOwnStall_reChecksTheNotifierAndStaysBackup() {
        CoreHarness h =
                backup(
                        17,
                        CoreHarness.config()
                                .reconnectAttempts(1000)
                                .reconnectInterval(s(20))
                                .build());
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));

        // The process freezes for two minutes; meanwhile the primary recovered.
        h.link.notifier(Behaviour.ANSWER);
        h.time.stall(Duration.ofMinutes(2));
        h.time.advance(s(1));

        assertThat(h.listener.notices(Notice.Kind.STALL_DETECTED)).hasSize(1);
        assertThat(h.machine.state()).isEqualTo(State.BACKUP);
        assertThat(h.path()).noneMatch(p -> p.contains("->PRIMARY"));
    }

    @Test
    void isolationGuard_processStallsDuringTheDiagnosisAndComesBackIsolated_diagnosesAgain() {
        CoreHarness h = backup(23, CoreHarness.config().netTestAddresses(List.of(NETTEST)).build());
        h.probe.reachable(NETTEST);
        h.link.module(Behaviour.HANG);
        // Module down at 45.001 s, confirmation ping until 55.001 s, then the diagnosis: stop
        // half-way through its 1 ms pings, which will both report "reachable".
        h.time.advance(Duration.ofNanos(55_001_500_000L));
        assertThat(h.machine.state()).isEqualTo(State.BACKUP);

        // The process freezes; meanwhile the backup loses its own network (NetTest).
        h.probe.unreachable(NETTEST);
        h.time.stall(Duration.ofSeconds(60));
        h.time.advance(Duration.ofMinutes(10));

        assertThat(h.path())
                .containsExactly(
                        "STARTING->BACKUP:PEER_IS_PRIMARY",
                        "BACKUP->RECONNECTING:MODULE_PING_FAILED");
        assertThat(h.listener.notices(Notice.Kind.STALL_DETECTED))
                .singleElement()
                .satisfies(
                        n ->
                                assertThat(n.detail())
                                        .startsWith("the diagnosis took 60.0005s (at most 1s"));
        assertThat(h.listener.notices(Notice.Kind.PROMOTION_BLOCKED))
                .first()
                .satisfies(
                        n ->
                                assertThat(n.detail())
                                        .startsWith(
                                                "not switching over (MODULE_DOWN) while this"
                                                        + " backup's own network status is NETTEST_UNREACHABLE"));
    }

    // ---- Module monitor liveness, healthy pair ----

    @Test
    void moduleMonitorPoll_moduleMonitorStuck_restartRequestedAndLogged() {
        CoreHarness h = backup(18);
        h.link.module(Behaviour.LOSE);

        h.time.advance(s(30));

        assertThat(h.listener.notices(Notice.Kind.MODULE_MONITOR_RESTARTED))
                .singleElement()
                .satisfies(
                        n ->
                                assertThat(n.detail())
                                        .isEqualTo(
                                                "no module monitor event for 24.999s (max 24s); restart requested"));
        // Answered at 0 s, lost at 2.001 s, then the restart after the poll at 25 s.
        assertThat(h.link.sent(PingKind.MODULE)).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(longs = {19, 20, 21})
    void healthyPair_anHourOfPings_neverSwitchesOrComplains(long seed) {
        CoreHarness h = backup(seed);

        h.time.advance(Duration.ofHours(1));

        assertThat(h.path()).containsExactly("STARTING->BACKUP:PEER_IS_PRIMARY");
        assertThat(h.listener.notices).isEmpty();
    }

    @Test
    void stop_backupWithPingsOutstanding_stopsEverythingAndCancelsThem() {
        CoreHarness h = backup(22);
        h.link.notifier(Behaviour.HANG).module(Behaviour.HANG);
        h.time.advance(s(3));

        h.machine.stop("daemon shutdown");
        h.time.runDue();
        int sent = h.link.sent().size();
        h.time.advance(Duration.ofMinutes(10));

        assertThat(h.path()).endsWith("BACKUP->STOPPED:SHUTDOWN");
        assertThat(h.link.outstanding()).isZero();
        assertThat(h.link.sent()).hasSize(sent);
    }

    // ---- The primary's routine announcement ----

    @Test
    void reconnecting_forTheModule_routineAnnouncementOfThePrimaryDoesNotEndIt() {
        // The primary's daemon announces itself every ping delay; that says nothing about the
        // module. Ending the reconnection on it made the backup bounce between BACKUP and
        // RECONNECTING, re-synchronising every time, while the module stayed down.
        CoreHarness h = backup(24, CoreHarness.config().netTestAddresses(List.of(NETTEST)).build());
        h.link.module(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(2));

        h.machine.onPeerMessage(hello(State.PRIMARY, 3));
        h.time.advance(s(30));

        assertThat(h.machine.state()).isEqualTo(State.RECONNECTING);
        assertThat(h.replication.resyncs).hasSize(1);
    }

    @Test
    void reconnecting_primaryAnnouncesTheSameGeneration_reconnectAttemptsDecide() {
        CoreHarness h = backup(25);
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));

        h.machine.onPeerMessage(hello(State.PRIMARY, 3));
        assertThat(h.machine.state()).isEqualTo(State.RECONNECTING);

        h.link.notifier(Behaviour.ANSWER);
        h.runUntil(State.BACKUP, Duration.ofSeconds(10));
        assertThat(h.lastReason().detail()).startsWith("the notifier answered reconnect attempt");
    }

    // ---- Self-stall guard: evidence beyond the expiring timer ----

    @Test
    void reconnectInterval_stallEndedJustBeforeTheDeadline_reChecksTheNotifierAndStaysBackup() {
        // The interval timer itself runs only 4.9 s late (under the 5 s threshold), but the
        // process was frozen for 11.9 s of the 20 s interval: an attempt's ping, due long before,
        // shows it. The interval may not count time this process did not run.
        CoreHarness h =
                backup(
                        26,
                        CoreHarness.config()
                                .reconnectAttempts(1000)
                                .reconnectInterval(s(20))
                                .build());
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
        h.time.advance(s(13));

        h.link.notifier(Behaviour.ANSWER);
        h.time.stall(s(11.9));
        h.time.advance(s(1));

        assertThat(h.machine.state()).isEqualTo(State.BACKUP);
        assertThat(h.path()).noneMatch(p -> p.contains("->PRIMARY"));
        assertThat(h.listener.notices(Notice.Kind.STALL_DETECTED)).isNotEmpty();
    }

    @Test
    void reconnectAttempt_timedOutWhileThisProcessStalled_notCounted() {
        // One attempt allowed: an attempt that timed out during this process's own stall would
        // otherwise switch over from a primary that answers again.
        CoreHarness h = backup(27, CoreHarness.config().reconnectAttempts(1).build());
        h.link.notifier(Behaviour.HANG);
        h.runUntil(State.RECONNECTING, Duration.ofMinutes(1));
        h.time.advance(s(2.5));

        h.link.notifier(Behaviour.ANSWER);
        h.time.stall(s(30));
        h.time.advance(s(1));

        assertThat(h.machine.state()).isEqualTo(State.BACKUP);
        assertThat(h.listener.notices(Notice.Kind.STALL_DETECTED))
                .first()
                .satisfies(
                        n ->
                                assertThat(n.detail())
                                        .isEqualTo(
                                                "reconnect attempt 1 timed out while this process"
                                                        + " stalled; not counted, trying again"));
    }
}
