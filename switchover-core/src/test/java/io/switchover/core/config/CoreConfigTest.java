package io.switchover.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CoreConfigTest {

    private static final CoreConfig DEFAULTS = CoreConfig.defaults("node-a", "10.0.0.2");

    @Test
    void defaults_moduleMonitorParameters_matchTheSourceTable() {
        assertThat(DEFAULTS.modulePingTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(DEFAULTS.moduleRetryDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(DEFAULTS.moduleMaxFailures()).isEqualTo(2);
    }

    @Test
    void defaults_networkChecks_gatewayOffNetTestOneSecondNoAddresses() {
        assertThat(DEFAULTS.gatewayPingEnabled()).isFalse();
        assertThat(DEFAULTS.netTestAddresses()).isEmpty();
        assertThat(DEFAULTS.netTestTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void defaults_unreachablePrimaryWait_offForLegacyBehaviour() {
        assertThat(DEFAULTS.unreachablePrimaryPingDelay()).isZero();
        assertThat(DEFAULTS.unreachablePrimaryPingCount()).isZero();
        assertThat(DEFAULTS.waitsForUnreachablePrimary()).isFalse();
    }

    @Test
    void validate_defaults_noProblems() {
        assertThat(DEFAULTS.validate()).isEmpty();
        assertThat(DEFAULTS.requireValid()).isSameAs(DEFAULTS);
    }

    @Test
    void validate_fastProfileWithSubSecondTimings_noProblems() {
        CoreConfig fast =
                DEFAULTS.toBuilder()
                        .pingDelay(Duration.ofMillis(100))
                        .pingTimeout(Duration.ofMillis(150))
                        .modulePingInterval(Duration.ofMillis(100))
                        .modulePingTimeout(Duration.ofMillis(200))
                        .moduleRetryDelay(Duration.ofMillis(50))
                        .reconnectAttemptDelay(Duration.ofMillis(100))
                        .reconnectInterval(Duration.ofMillis(900))
                        .netTestTimeout(Duration.ofMillis(100))
                        .unreachablePrimaryPingDelay(Duration.ofMillis(100))
                        .unreachablePrimaryPingCount(3)
                        .startupWindow(Duration.ofMillis(500))
                        .build();
        assertThat(fast.validate()).isEmpty();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("node.id", b -> b.nodeId(""), "''", "non-empty"),
                bad("node.id", b -> b.nodeId(" a"), "' a'", "surrounding spaces"),
                bad("node.tie-break-rank", b -> b.tieBreakRank(-1), "-1", "0 and 1"),
                bad("node.tie-break-rank", b -> b.tieBreakRank(2), "2", "0 and 1"),
                bad("peer.host", b -> b.peerHost(" "), "' '", "non-empty"),
                bad(
                        "peer.host-ping-timeout",
                        b -> b.peerHostPingTimeout(Duration.ZERO),
                        "0s",
                        "1ms and 60s"),
                bad("ping.delay", b -> b.pingDelay(Duration.ZERO), "0s", "1ms and 600s"),
                bad("ping.delay", b -> b.pingDelay(Duration.ofHours(1)), "3600s", "1ms and 600s"),
                bad("ping.timeout", b -> b.pingTimeout(Duration.ofNanos(10)), "10ns", "1ms"),
                bad("ping.retry-max", b -> b.pingRetryMax(-1), "-1", "0 and 1000"),
                bad(
                        "module.ping-interval",
                        b -> b.modulePingInterval(Duration.ZERO),
                        "0s",
                        "1ms and 3600s"),
                bad(
                        "module.ping-timeout",
                        b -> b.modulePingTimeout(Duration.ofMinutes(11)),
                        "660s",
                        "1ms and 600s"),
                bad(
                        "module.retry-delay",
                        b -> b.moduleRetryDelay(Duration.ZERO),
                        "0s",
                        "1ms and 600s"),
                bad("module.max-failures", b -> b.moduleMaxFailures(0), "0", "1 and 1000"),
                bad("module.confirm-pings", b -> b.moduleConfirmPings(-2), "-2", "0 and 1000"),
                bad(
                        "module.monitor-poll-interval",
                        b -> b.moduleMonitorPollInterval(Duration.ofSeconds(-1)),
                        "-1s",
                        "1ms and 3600s"),
                bad("reconnect.attempts", b -> b.reconnectAttempts(0), "0", "1 and 1000000"),
                bad(
                        "reconnect.attempt-delay",
                        b -> b.reconnectAttemptDelay(Duration.ZERO),
                        "0s",
                        "1ms and 600s"),
                bad(
                        "reconnect.interval",
                        b -> b.reconnectInterval(Duration.ofDays(2)),
                        "172800s",
                        "1ms and 86400s"),
                bad(
                        "unreachable-primary.ping-delay",
                        b -> b.unreachablePrimaryPingDelay(Duration.ofHours(2)),
                        "7200s",
                        "0s (off) or"),
                bad(
                        "unreachable-primary.ping-count",
                        b -> b.unreachablePrimaryPingCount(-1),
                        "-1",
                        "0 and 1000000"),
                bad(
                        "unreachable-primary.ping-count",
                        b -> b.unreachablePrimaryPingCount(3),
                        "3",
                        "unless unreachable-primary.ping-delay"),
                bad("startup.window", b -> b.startupWindow(Duration.ZERO), "0s", "1ms and 3600s"),
                bad(
                        "gateway-ping.timeout",
                        b -> b.gatewayPingTimeout(Duration.ofMinutes(2)),
                        "120s",
                        "1ms and 60s"),
                bad(
                        "nettest.addresses[1]",
                        b -> b.netTestAddresses(List.of("10.0.0.9", "")),
                        "''",
                        "non-empty"),
                bad("nettest.timeout", b -> b.netTestTimeout(Duration.ZERO), "0s", "1ms and 60s"),
                bad(
                        "handover.timeout",
                        b -> b.handoverTimeout(Duration.ZERO),
                        "0s",
                        "1ms and 600s"),
                bad(
                        "stall.threshold",
                        b -> b.stallThreshold(Duration.ZERO),
                        "0s",
                        "1ms and 3600s"));
    }

    private static Arguments bad(
            String key,
            UnaryOperator<CoreConfig.Builder> change,
            String shownValue,
            String allowedFragment) {
        return Arguments.of(key, change, shownValue, allowedFragment);
    }

    @ParameterizedTest(name = "{0} = {2}")
    @MethodSource("badValues")
    void validate_oneBadValue_reportsKeyValueAndAllowedRange(
            String key,
            UnaryOperator<CoreConfig.Builder> change,
            String shownValue,
            String allowedFragment) {
        List<ConfigProblem> problems = change.apply(DEFAULTS.toBuilder()).build().validate();

        assertThat(problems).hasSize(1);
        ConfigProblem problem = problems.get(0);
        assertThat(problem.key()).isEqualTo(key);
        assertThat(problem.value()).isEqualTo(shownValue);
        assertThat(problem.allowed()).contains(allowedFragment);
    }

    @Test
    void validate_manyBadValues_reportsEveryProblemAtOnce() {
        CoreConfig broken =
                DEFAULTS.toBuilder()
                        .nodeId("")
                        .pingDelay(Duration.ZERO)
                        .moduleMaxFailures(0)
                        .reconnectAttempts(0)
                        .netTestTimeout(Duration.ZERO)
                        .build();

        assertThat(broken.validate())
                .extracting(ConfigProblem::key)
                .containsExactly(
                        "node.id",
                        "ping.delay",
                        "module.max-failures",
                        "reconnect.attempts",
                        "nettest.timeout");
    }

    @Test
    void requireValid_invalid_throwsListingEveryProblemOnItsOwnLine() {
        CoreConfig broken = DEFAULTS.toBuilder().pingRetryMax(-1).moduleMaxFailures(0).build();

        assertThatIllegalArgumentException()
                .isThrownBy(broken::requireValid)
                .withMessageContaining("ping.retry-max = -1: must be between 0 and 1000")
                .withMessageContaining("module.max-failures = 0: must be between 1 and 1000");
    }

    @Test
    void moduleMonitorMaxEventGap_defaults_twiceTheLongestHealthySilence() {
        // Longest healthy silence: the 2 s ping interval, then a ping timing out after 10 s.
        assertThat(DEFAULTS.moduleMonitorMaxEventGap()).isEqualTo(Duration.ofSeconds(24));
    }

    @Test
    void moduleMonitorMaxEventGap_retryDelayLongerThanInterval_usesRetryDelay() {
        CoreConfig config =
                DEFAULTS.toBuilder()
                        .modulePingInterval(Duration.ofMillis(100))
                        .moduleRetryDelay(Duration.ofSeconds(3))
                        .modulePingTimeout(Duration.ofSeconds(1))
                        .build();
        assertThat(config.moduleMonitorMaxEventGap()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void toBuilder_unchanged_buildsEqualConfig() {
        CoreConfig custom =
                DEFAULTS.toBuilder()
                        .gatewayPingEnabled(true)
                        .netTestAddresses(List.of("192.0.2.1"))
                        .tieBreakRank(1)
                        .build();
        assertThat(custom.toBuilder().build()).isEqualTo(custom);
    }
}
