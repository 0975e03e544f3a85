package io.switchover.core.monitor;

import static io.switchover.core.port.Connection.AUXILIARY;
import static io.switchover.core.port.Connection.MAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Connection;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.testing.SimulatedPeerLink;
import io.switchover.core.testing.SimulatedPeerLink.Behaviour;
import io.switchover.core.testing.SimulatedPeerLink.SentPing;
import io.switchover.core.testing.VirtualTime;
import io.switchover.core.time.StallWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModuleMonitorTest {

    private static final Duration T10 = Duration.ofSeconds(10);

    private VirtualTime time = VirtualTime.withSeed(17);
    private SimulatedPeerLink link = new SimulatedPeerLink(time);
    private final List<ModuleEvent> events = new ArrayList<>();
    private final List<Duration> eventTimes = new ArrayList<>();

    private ModuleMonitor monitor(CoreConfig config) {
        return new ModuleMonitor(
                config,
                time,
                link,
                new StallWatch(time, config.stallThreshold()),
                e -> {
                    events.add(e);
                    eventTimes.add(time.elapsed());
                });
    }

    private static CoreConfig defaults() {
        return CoreConfig.defaults("backup", "10.0.0.1");
    }

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private List<ModuleEvent.Down> downs() {
        return events.stream()
                .filter(ModuleEvent.Down.class::isInstance)
                .map(ModuleEvent.Down.class::cast)
                .toList();
    }

    @Test
    void start_moduleAnswers_pingsEveryIntervalOverMainAndNeverSignalsDown() {
        ModuleMonitor monitor = monitor(defaults());
        monitor.start();
        time.advance(Duration.ofSeconds(60));

        List<SentPing> pings = link.sent(SimulatedPeerLink.PingKind.MODULE);
        // One ping every 2 s interval plus 1 ms of latency.
        assertThat(pings).hasSize(30).allMatch(p -> p.via() == MAIN && p.timeout().equals(T10));
        assertThat(events).allMatch(ModuleEvent.Answered.class::isInstance);
        assertThat(monitor.isRunning()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void start_moduleHangsWithDefaults_twoFailuresOnMainThenTwoOnAuxiliaryThenDown(long seed) {
        time = VirtualTime.withSeed(seed);
        link = new SimulatedPeerLink(time).module(Behaviour.HANG);
        ModuleMonitor monitor = monitor(defaults());

        monitor.start();
        time.advance(Duration.ofSeconds(120));

        // Each failure takes the 10 s timeout, each retry waits the 1 s retry delay.
        assertThat(link.sent(SimulatedPeerLink.PingKind.MODULE))
                .extracting(SentPing::via, SentPing::at, SentPing::timeout)
                .containsExactly(
                        tuple(MAIN, s(0), T10),
                        tuple(MAIN, s(11), T10),
                        tuple(AUXILIARY, s(22), T10),
                        tuple(AUXILIARY, s(33), T10));
        assertThat(downs())
                .singleElement()
                .satisfies(
                        d ->
                                assertThat(d.detail())
                                        .isEqualTo(
                                                "module did not answer 2 pings over MAIN nor 2 over AUXILIARY"
                                                        + " (timeout 10s); last timed out after 10s"));
        assertThat(eventTimes.get(eventTimes.size() - 1)).isEqualTo(s(43));
        assertThat(monitor.isRunning()).isFalse();
    }

    @Test
    void onOutcome_failuresSeparatedBySuccess_countResetsAndModuleNeverDown() {
        link.scriptModule(
                PingOutcome.timeout(T10),
                PingOutcome.success(),
                PingOutcome.rejected("busy"),
                PingOutcome.success(),
                PingOutcome.timeout(T10),
                PingOutcome.success());
        ModuleMonitor monitor = monitor(defaults());

        monitor.start();
        time.advance(Duration.ofSeconds(60));

        assertThat(downs()).isEmpty();
        assertThat(link.sent(SimulatedPeerLink.PingKind.MODULE)).allMatch(p -> p.via() == MAIN);
        assertThat(events)
                .filteredOn(ModuleEvent.Failed.class::isInstance)
                .extracting(e -> ((ModuleEvent.Failed) e).failures())
                .containsOnly(1);
    }

    @Test
    void onOutcome_rejectedWithinBudget_reissuedAfterRetryDelayWithRegularTimeout() {
        link.scriptModule(PingOutcome.rejected("not serving"));
        ModuleMonitor monitor = monitor(defaults());

        monitor.start();
        time.advance(Duration.ofMillis(1001));

        assertThat(link.sent(SimulatedPeerLink.PingKind.MODULE))
                .extracting(SentPing::via, SentPing::at, SentPing::timeout)
                .containsExactly(tuple(MAIN, s(0), T10), tuple(MAIN, Duration.ofMillis(1001), T10));
    }

    @Test
    void onOutcome_answerOnAlternate_resetsCountAndReturnsToMain() {
        link.scriptModule(
                PingOutcome.timeout(T10),
                PingOutcome.timeout(T10),
                PingOutcome.success(),
                PingOutcome.timeout(T10),
                PingOutcome.success());
        ModuleMonitor monitor = monitor(defaults());

        monitor.start();
        time.advance(Duration.ofSeconds(60));

        assertThat(link.sent(SimulatedPeerLink.PingKind.MODULE))
                .extracting(SentPing::via)
                .startsWith(MAIN, MAIN, AUXILIARY, MAIN, MAIN);
        assertThat(downs()).isEmpty();
    }

    @Test
    void start_mainDown_startsOnAuxiliaryAndTriesMainAsTheAlternate() {
        link.connected(MAIN, false).module(Behaviour.HANG);
        ModuleMonitor monitor = monitor(defaults());

        monitor.start();
        time.advance(Duration.ofSeconds(60));

        assertThat(link.sent(SimulatedPeerLink.PingKind.MODULE))
                .extracting(SentPing::via)
                .containsExactly(AUXILIARY, AUXILIARY, MAIN, MAIN);
        // Pings over a connection that is down fail at once: 2 timeouts, 3 retry delays.
        assertThat(eventTimes.get(eventTimes.size() - 1)).isEqualTo(s(23));
        assertThat(downs()).hasSize(1);
    }

    @Test
    void stop_pingOutstanding_cancelsItAndReportsNothingMore() {
        link.module(Behaviour.HANG);
        ModuleMonitor monitor = monitor(defaults());
        monitor.start();
        time.advance(Duration.ofSeconds(5));

        monitor.stop();
        time.advance(Duration.ofSeconds(120));

        assertThat(events).isEmpty();
        assertThat(link.sent(SimulatedPeerLink.PingKind.MODULE)).hasSize(1);
        assertThat(link.outstanding()).isZero();
    }

    @Test
    void restart_afterDown_pingsAgainWithFreshBudget() {
        link.module(Behaviour.HANG);
        ModuleMonitor monitor = monitor(defaults());
        monitor.start();
        time.advance(Duration.ofSeconds(43));
        assertThat(downs()).hasSize(1);

        link.module(Behaviour.ANSWER);
        monitor.restart();
        time.advance(Duration.ofSeconds(10));

        assertThat(monitor.isRunning()).isTrue();
        assertThat(events.get(events.size() - 1)).isEqualTo(new ModuleEvent.Answered(MAIN));
    }

    @Test
    void start_fastProfileSubSecondTimings_signalsDownWithinOneSecond() {
        CoreConfig fast =
                defaults().toBuilder()
                        .modulePingTimeout(Duration.ofMillis(200))
                        .moduleRetryDelay(Duration.ofMillis(50))
                        .build();
        link.module(Connection.MAIN, Behaviour.HANG).module(Connection.AUXILIARY, Behaviour.HANG);
        ModuleMonitor monitor = monitor(fast);

        monitor.start();
        time.advance(Duration.ofSeconds(2));

        assertThat(downs()).hasSize(1);
        assertThat(eventTimes.get(eventTimes.size() - 1)).isEqualTo(Duration.ofMillis(950));
    }

    @Test
    void ping_timedOutWhileThisProcessStalled_notCountedAsAFailure() {
        link.module(Behaviour.HANG);
        ModuleMonitor monitor = monitor(defaults());
        monitor.start();
        time.advance(Duration.ofMillis(500));

        link.module(Behaviour.ANSWER);
        time.stall(Duration.ofSeconds(60));
        time.advance(Duration.ofSeconds(1));

        assertThat(events).noneMatch(ModuleEvent.Failed.class::isInstance);
        assertThat(events).anyMatch(ModuleEvent.Answered.class::isInstance);
        assertThat(link.sent(SimulatedPeerLink.PingKind.MODULE)).hasSize(2);
        assertThat(monitor.isRunning()).isTrue();
    }
}
