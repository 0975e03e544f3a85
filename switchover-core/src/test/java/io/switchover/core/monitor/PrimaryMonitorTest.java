package io.switchover.core.monitor;

import static io.switchover.core.port.Connection.AUXILIARY;
import static io.switchover.core.port.Connection.MAIN;
import static io.switchover.core.testing.SimulatedPeerLink.PingKind.MODULE;
import static io.switchover.core.testing.SimulatedPeerLink.PingKind.NOTIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.diagnosis.ConnectionStatus;
import io.switchover.core.diagnosis.Finding;
import io.switchover.core.diagnosis.NetworkDiagnosis;
import io.switchover.core.diagnosis.NetworkStatus;
import io.switchover.core.diagnosis.Verdict;
import io.switchover.core.port.Connection;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.testing.FakeNetworkProbe;
import io.switchover.core.testing.SimulatedPeerLink;
import io.switchover.core.testing.SimulatedPeerLink.Behaviour;
import io.switchover.core.testing.SimulatedPeerLink.SentPing;
import io.switchover.core.testing.VirtualTime;
import io.switchover.core.time.StallWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrimaryMonitorTest {

    private static final String PEER = "10.0.0.1";
    private static final Duration PING_DELAY = Duration.ofSeconds(2);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MS = Duration.ofMillis(1);

    private VirtualTime time = VirtualTime.withSeed(23);
    private SimulatedPeerLink link = new SimulatedPeerLink(time);
    private FakeNetworkProbe probe = new FakeNetworkProbe(time).reachable(PEER);
    private final List<Analysed> analysed = new ArrayList<>();

    record Analysed(Problem problem, Verdict verdict, Duration at) {}

    private static CoreConfig config() {
        return CoreConfig.builder("backup", PEER)
                .pingDelay(PING_DELAY)
                .pingTimeout(PING_TIMEOUT)
                .pingRetryMax(3)
                .build();
    }

    private PrimaryMonitor monitor(CoreConfig config) {
        return new PrimaryMonitor(
                config,
                time,
                time,
                link,
                new NetworkDiagnosis(config, time, link, probe),
                new StallWatch(time, config.stallThreshold()),
                (problem, verdict) -> analysed.add(new Analysed(problem, verdict, time.elapsed())));
    }

    private static Duration s(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private List<SentPing> notifierPings() {
        return link.sent(NOTIFIER);
    }

    // ---- The spec's ping-outcome table, one row per outcome ----

    static Stream<Arguments> pingOutcomeRows() {
        return Stream.of(
                Arguments.of(
                        "SUCCESS: reset the retry count, next ping after pingDelay",
                        true,
                        PingOutcome.success(),
                        s(4.001),
                        MAIN),
                Arguments.of(
                        "TIMEOUT: send a retry ping",
                        true,
                        PingOutcome.timeout(PING_TIMEOUT),
                        s(7),
                        MAIN),
                Arguments.of(
                        "REJECTED: handled like TIMEOUT, a retry ping",
                        true,
                        PingOutcome.rejected("not now"),
                        s(2.001),
                        MAIN),
                Arguments.of(
                        "CONNECTION_LOSS, main up: the standard ping, no retry",
                        true,
                        PingOutcome.connectionLoss(AUXILIARY),
                        s(4),
                        MAIN),
                Arguments.of(
                        "CONNECTION_LOSS, main down: potential reconnect, a retry ping",
                        false,
                        PingOutcome.connectionLoss(AUXILIARY),
                        s(2),
                        AUXILIARY),
                Arguments.of(
                        "CANCELLED: nothing, the monitor is stopping",
                        true,
                        PingOutcome.cancelled(),
                        null,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pingOutcomeRows")
    void onPingOutcome_specTableRow_sendsTheNextPingAsTheRowSays(
            String row,
            boolean mainUp,
            PingOutcome firstOutcome,
            Duration nextPingAt,
            Connection nextVia) {
        link.connected(MAIN, mainUp).scriptNotifier(firstOutcome);
        monitor(config()).start();

        time.advance(s(10));

        List<SentPing> pings = notifierPings();
        assertThat(pings.get(0).at()).isEqualTo(PING_DELAY);
        if (nextPingAt == null) {
            assertThat(pings).hasSize(1);
        } else {
            assertThat(pings.get(1).at()).isEqualTo(nextPingAt);
            assertThat(pings.get(1).via()).isEqualTo(nextVia);
        }
        assertThat(analysed).isEmpty();
    }

    @Test
    void onPingOutcome_connectionLossWithMainUp_isNotCountedAsARetry() {
        CoreConfig noRetries = config().toBuilder().pingRetryMax(0).build();
        link.scriptNotifier(
                PingOutcome.connectionLoss(AUXILIARY),
                PingOutcome.connectionLoss(AUXILIARY),
                PingOutcome.connectionLoss(AUXILIARY));
        monitor(noRetries).start();

        time.advance(s(30));

        assertThat(analysed).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 99, 2024})
    void retry_notifierHangs_errorProcessingStartsWhenRetryCountReachesMax(long seed) {
        time = VirtualTime.withSeed(seed);
        link = new SimulatedPeerLink(time).notifier(Behaviour.HANG);
        probe = new FakeNetworkProbe(time).reachable(PEER);
        PrimaryMonitor monitor = monitor(config());

        monitor.start();
        time.advance(s(120));

        // The ping and its 3 retries, each timing out after 5 s; no fifth ping.
        assertThat(notifierPings())
                .extracting(SentPing::at)
                .containsExactly(s(2), s(7), s(12), s(17));
        assertThat(analysed)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.at()).isEqualTo(s(22.001));
                            assertThat(a.problem().describe())
                                    .isEqualTo(
                                            "notifier ping over MAIN timed out after 5s after 3 retries");
                            assertThat(a.verdict().finding())
                                    .isEqualTo(Finding.REMOTE_NOTIFIER_DOWN);
                        });
        assertThat(monitor.moduleMonitorRunning()).isFalse();
    }

    @Test
    void retry_successBetweenFailures_resetsTheRetryCount() {
        PingOutcome t = PingOutcome.timeout(PING_TIMEOUT);
        link.scriptNotifier(t, t, t, PingOutcome.success(), t, t, t, t);
        monitor(config()).start();

        time.advance(s(120));

        // Without the reset, the 4th failure would have started error processing.
        assertThat(analysed).hasSize(1);
        assertThat(notifierPings()).hasSize(8);
    }

    @Test
    void sendPing_mainDown_usesAuxiliary() {
        link.connected(MAIN, false);
        monitor(config()).start();
        time.advance(s(9));
        assertThat(notifierPings()).isNotEmpty().allMatch(p -> p.via() == AUXILIARY);
    }

    @Test
    void errorProcessing_bothConnectionsDownPrimaryHostSilent_verdictPrimaryUnreachable() {
        link.bothConnected(false);
        probe.unreachable(PEER);
        monitor(config()).start();

        time.advance(s(10));

        assertThat(analysed)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.verdict().finding())
                                    .isEqualTo(Finding.PRIMARY_UNREACHABLE);
                            assertThat(a.verdict().diagnosis().connections())
                                    .isEqualTo(ConnectionStatus.BOTH_DOWN);
                            assertThat(a.verdict().diagnosis().network())
                                    .isEqualTo(NetworkStatus.PRIMARY_UNREACHABLE);
                        });
    }

    @Test
    void errorProcessing_whileAnalysing_moduleMonitorStoppedAndNoPingsSent() {
        link.notifier(Behaviour.HANG);
        // A slow diagnosis: two NetTest addresses that do not answer, 1 s each.
        CoreConfig slow =
                config().toBuilder().netTestAddresses(List.of("192.0.2.1", "192.0.2.2")).build();
        PrimaryMonitor monitor = monitor(slow);
        monitor.start();
        time.advance(s(22));
        link.forgetSent();

        time.advance(s(1.5));

        assertThat(analysed).isEmpty();
        assertThat(monitor.moduleMonitorRunning()).isFalse();
        assertThat(link.sent()).isEmpty();
        time.advance(s(1));
        assertThat(analysed).hasSize(1);
    }

    // ---- Module monitor notifications ----

    @Test
    void moduleDown_defaults_confirmPingThenDiagnosisThenModuleDownVerdict() {
        link.module(Behaviour.HANG);
        PrimaryMonitor monitor = monitor(config());
        monitor.start();

        time.advance(s(120));

        assertThat(analysed)
                .singleElement()
                .satisfies(
                        a -> {
                            // Down at 43 s, one confirmation ping timing out at 53 s, then a 1 ms
                            // diagnosis:
                            // 43 s after the first failure (10 s), as the source's "roughly 40 s".
                            assertThat(a.at()).isEqualTo(s(53.001));
                            assertThat(a.verdict().finding()).isEqualTo(Finding.MODULE_DOWN);
                            assertThat(a.verdict().row())
                                    .isEqualTo(
                                            "network OK, both connections up, module cannot be pinged");
                            assertThat(a.problem().describe())
                                    .endsWith("1 confirmation ping(s) unanswered");
                        });
        List<SentPing> modulePings = link.sent(MODULE);
        assertThat(modulePings).hasSize(5);
        assertThat(modulePings.get(4).via()).isEqualTo(MAIN);
        assertThat(modulePings.get(4).at()).isEqualTo(s(43));
        // Routine notifier pings stop while the module problem is analysed.
        assertThat(notifierPings()).allMatch(p -> p.at().compareTo(s(43)) < 0);
    }

    @Test
    void moduleDown_confirmationPingAnswered_verdictModuleUpNoError() {
        PingOutcome t = PingOutcome.timeout(Duration.ofSeconds(10));
        link.scriptModule(t, t, t, t, PingOutcome.success());
        monitor(config()).start();

        time.advance(s(60));

        assertThat(analysed)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.verdict().finding()).isEqualTo(Finding.MODULE_UP);
                            assertThat(a.problem().describe())
                                    .endsWith("a confirmation ping was answered");
                        });
    }

    @Test
    void moduleDown_ownNetworkDownAndPrimarySilent_verdictPrimaryUnreachable() {
        link.module(Behaviour.HANG);
        probe.unreachable(PEER);
        CoreConfig withNetTest =
                config().toBuilder().netTestAddresses(List.of("192.0.2.1")).build();
        monitor(withNetTest).start();

        time.advance(s(60));

        assertThat(analysed)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.verdict().finding())
                                    .isEqualTo(Finding.PRIMARY_UNREACHABLE);
                            assertThat(a.verdict().diagnosis().network())
                                    .isEqualTo(NetworkStatus.NETTEST_UNREACHABLE);
                        });
    }

    @Test
    void moduleDown_noConfirmPingsConfigured_diagnosesAtOnce() {
        link.module(Behaviour.HANG);
        monitor(config().toBuilder().moduleConfirmPings(0).build()).start();

        time.advance(s(60));

        assertThat(analysed)
                .singleElement()
                .satisfies(a -> assertThat(a.at()).isEqualTo(s(43.001)));
        assertThat(link.sent(MODULE)).hasSize(4);
    }

    // ---- Module monitor liveness ----

    @Test
    void
            pollModuleMonitor_moduleMonitorSilentTooLong_restartRequestedAndPerformedBySchedulingNextPing() {
        link.module(Behaviour.LOSE);
        PrimaryMonitor monitor = monitor(config());
        monitor.start();

        time.advance(s(24));
        assertThat(monitor.pollModuleMonitor().restartRequested()).isFalse();
        time.advance(MS);
        ModuleMonitorLiveness overdue = monitor.pollModuleMonitor();
        assertThat(overdue.restartRequested()).isTrue();
        assertThat(overdue.sinceLastEvent()).isEqualTo(s(24.001));
        assertThat(overdue.maxGap()).isEqualTo(s(24));
        assertThat(link.sent(MODULE)).hasSize(1);

        // Notifier pings succeed every 2.001 s; the 12th success (24.012 s) calls
        // scheduleNextPing, which performs the pending restart.
        time.advance(s(0.010));
        assertThat(link.sent(MODULE)).hasSize(1);
        time.advance(s(0.001));
        assertThat(link.sent(MODULE)).hasSize(2);
        assertThat(link.sent(MODULE).get(1).at()).isEqualTo(s(24.012));
        assertThat(monitor.pollModuleMonitor().sinceLastEvent()).isZero();
    }

    @Test
    void pollModuleMonitor_healthyModuleMonitor_neverRequestsRestart() {
        PrimaryMonitor monitor = monitor(config());
        monitor.start();
        for (int i = 0; i < 60; i++) {
            time.advance(s(5));
            ModuleMonitorLiveness liveness = monitor.pollModuleMonitor();
            assertThat(liveness.tracking()).isTrue();
            assertThat(liveness.restartRequested()).isFalse();
        }
    }

    @Test
    void pollModuleMonitor_suspendedForReconnecting_notTrackedThenResumesFromZero() {
        PrimaryMonitor monitor = monitor(config());
        monitor.start();
        monitor.suspend();

        time.advance(s(300));
        assertThat(monitor.pollModuleMonitor().tracking()).isFalse();
        assertThat(monitor.moduleMonitorRunning()).isFalse();
        assertThat(link.outstanding()).isZero();

        monitor.start();
        ModuleMonitorLiveness resumed = monitor.pollModuleMonitor();
        assertThat(resumed.tracking()).isTrue();
        assertThat(resumed.sinceLastEvent()).isZero();
        assertThat(resumed.restartRequested()).isFalse();
    }

    // ---- Lifecycle ----

    @Test
    void start_afterErrorProcessing_pingsAgainWithFreshRetryCountAndRestartsModuleMonitor() {
        link.notifier(Behaviour.HANG);
        PrimaryMonitor monitor = monitor(config());
        monitor.start();
        time.advance(s(23));
        assertThat(analysed).hasSize(1);

        link.notifier(Behaviour.ANSWER);
        link.forgetSent();
        monitor.start();
        time.advance(s(2));

        assertThat(monitor.moduleMonitorRunning()).isTrue();
        assertThat(link.sent(MODULE)).isNotEmpty();
        assertThat(notifierPings()).hasSize(1);

        // A fresh retry budget: the ping at 27.001 s and 3 retries must time out (47.001 s)
        // before the next analysis.
        link.notifier(Behaviour.HANG);
        time.advance(s(22));
        assertThat(analysed).hasSize(1);
        time.advance(s(0.01));
        assertThat(analysed).hasSize(2);
    }

    @Test
    void stop_pingsOutstanding_cancelledAndNothingMoreSentOrReported() {
        link.notifier(Behaviour.HANG).module(Behaviour.HANG);
        PrimaryMonitor monitor = monitor(config());
        monitor.start();
        time.advance(s(3));
        assertThat(link.outstanding()).isEqualTo(2);

        monitor.stop();
        time.runDue();
        int sent = link.sent().size();
        time.advance(s(300));

        assertThat(link.outstanding()).isZero();
        assertThat(link.sent()).hasSize(sent);
        assertThat(analysed).isEmpty();
        assertThat(monitor.pollModuleMonitor().tracking()).isFalse();
    }

    @Test
    void checkNotifier_mainDownAuxiliaryUp_pingsOverAuxiliary() {
        link.connected(MAIN, false);
        List<PingOutcome> outcomes = new ArrayList<>();
        monitor(config()).checkNotifier(outcomes::add);
        time.advance(s(1));
        assertThat(outcomes).containsExactly(PingOutcome.success());
        assertThat(notifierPings())
                .singleElement()
                .satisfies(p -> assertThat(p.via()).isEqualTo(AUXILIARY));
    }

    // ---- Self-stall guard ----

    @Test
    void sendPing_timedOutWhileThisProcessStalledWithNoRetries_notCountedAndAskedAgain() {
        // With no retries, one ping timing out during this process's own stall used to start
        // error processing: the peer was never given a fair chance to answer.
        CoreConfig config = config().toBuilder().pingRetryMax(0).build();
        link.notifier(Behaviour.HANG);
        PrimaryMonitor monitor = monitor(config);
        monitor.start();
        time.advance(s(2.5));
        assertThat(notifierPings()).hasSize(1);

        link.notifier(Behaviour.ANSWER);
        time.stall(Duration.ofSeconds(30));
        time.advance(s(1));

        assertThat(analysed).isEmpty();
        assertThat(notifierPings()).hasSize(2);
        assertThat(monitor.moduleMonitorRunning()).isTrue();
    }

    @Test
    void sendPing_timedOutOnTimeWithNoRetries_startsErrorProcessing() {
        CoreConfig config = config().toBuilder().pingRetryMax(0).build();
        link.notifier(Behaviour.HANG);
        monitor(config).start();

        time.advance(s(7.5));

        assertThat(analysed).singleElement();
    }
}
