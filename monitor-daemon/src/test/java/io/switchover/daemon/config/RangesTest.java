package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Values of the right type outside the allowed range: the daemon's own, and the core's. */
class RangesTest {

    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "peer | {id: node-b, host: 10.0.0.2, notifier-port: 0} | peer.notifier-port"
                        + " | \"0\" must be between 1 and 65535",
                "notifier | {secret-file: secret, max-frame: 64KiB} | notifier.max-frame"
                        + " | \"64KiB\" must be between 128KiB and 1GiB",
                "notifier | {secret-file: secret, max-frame: 2GiB} | notifier.max-frame"
                        + " | \"2GiB\" must be between 128KiB and 1GiB",
                "notifier | {secret-file: secret, handshake-timeout: 0s}"
                        + " | notifier.handshake-timeout | \"0s\" must be between 1ms and 600s",
                "notifier | {secret-file: secret, keepalive-interval: 11m}"
                        + " | notifier.keepalive-interval | \"11m\" must be between 1ms and 600s",
                "notifier | {secret-file: secret, idle-timeout: 2h} | notifier.idle-timeout"
                        + " | \"2h\" must be between 1ms and 3600s",
                "notifier | {secret-file: secret, reconnect-initial: 2m}"
                        + " | notifier.reconnect-initial | \"2m\" must be between 1ms and 60s",
                "notifier | {secret-file: secret, reconnect-max: 0ms} | notifier.reconnect-max"
                        + " | \"0ms\" must be between 1ms and 3600s",
                "module | {check: {type: http, url: 'http://a/', expect-status: 600}}"
                        + " | module.check.expect-status | \"600\" must be between 100 and 599",
                "probe | {tcp-port: 65536} | probe.tcp-port | \"65536\" must be between 1 and"
                        + " 65535",
                "hooks | {timeout: 0s} | hooks.timeout | \"0s\" must be between 1ms and 3600s",
                "hooks | {timeout: 2h} | hooks.timeout | \"2h\" must be between 1ms and 3600s",
                "mirror | {quiet-period: 0ms} | mirror.quiet-period"
                        + " | \"0ms\" must be between 1ms and 10s",
                "mirror | {quiet-period: 11s, max-delay: 1m} | mirror.quiet-period"
                        + " | \"11s\" must be between 1ms and 10s",
                "mirror | {max-delay: 9ms, quiet-period: 1ms} | mirror.max-delay"
                        + " | \"9ms\" must be between 10ms and 60s",
                "mirror | {max-delay: 2m} | mirror.max-delay | \"2m\" must be between 10ms and 60s",
                "mirror | {transfers: 0} | mirror.transfers | \"0\" must be between 1 and 64",
                "mirror | {transfers: 65} | mirror.transfers | \"65\" must be between 1 and 64"
            })
    void load_daemonValueOutOfRange_reportedWithTheRange(
            String section, String value, String path, String rendered) {
        ConfigProblem problem = TestYaml.minimal().with(section, value).problemAt(dir, path);

        assertThat(problem.render()).isEqualTo(path + ": " + rendered);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "node | {id: node-a, tie-break-rank: 2} | node.tie-break-rank"
                        + " | \"2\" must be between 0 and 1",
                "peer | {id: node-b, host: 10.0.0.2, host-ping-timeout: 2m}"
                        + " | peer.host-ping-timeout | \"2m\" must be between 1ms and 60s",
                "ping | {delay: 0s} | ping.delay | \"0s\" must be between 1ms and 600s",
                "ping | {timeout: 11m} | ping.timeout | \"11m\" must be between 1ms and 600s",
                "ping | {retry-max: 1001} | ping.retry-max | \"1001\" must be between 0 and 1000",
                "module | {check: {type: registered}, ping-interval: 0ms} | module.ping-interval"
                        + " | \"0ms\" must be between 1ms and 3600s",
                "module | {check: {type: registered}, ping-timeout: 0s} | module.ping-timeout"
                        + " | \"0s\" must be between 1ms and 600s",
                "module | {check: {type: registered}, retry-delay: 0s} | module.retry-delay"
                        + " | \"0s\" must be between 1ms and 600s",
                "module | {check: {type: registered}, max-failures: 0} | module.max-failures"
                        + " | \"0\" must be between 1 and 1000",
                "module | {check: {type: registered}, confirm-pings: -1} | module.confirm-pings"
                        + " | \"-1\" must be between 0 and 1000",
                "module | {check: {type: registered}, monitor-poll-interval: 2h}"
                        + " | module.monitor-poll-interval | \"2h\" must be between 1ms and 3600s",
                "reconnect | {attempts: 0} | reconnect.attempts | \"0\" must be between 1 and"
                        + " 1000000",
                "reconnect | {attempt-delay: 0s} | reconnect.attempt-delay"
                        + " | \"0s\" must be between 1ms and 600s",
                "reconnect | {interval: 25h} | reconnect.interval"
                        + " | \"25h\" must be between 1ms and 86400s",
                "unreachable-primary | {ping-delay: 2h} | unreachable-primary.ping-delay"
                        + " | \"2h\" must be 0s (off) or must be between 1ms and 3600s",
                "unreachable-primary | {ping-count: -1} | unreachable-primary.ping-count"
                        + " | \"-1\" must be between 0 and 1000000",
                "startup | {window: 0s} | startup.window | \"0s\" must be between 1ms and 3600s",
                "gateway-ping | {timeout: 61s} | gateway-ping.timeout"
                        + " | \"61s\" must be between 1ms and 60s",
                "nettest | {timeout: 0s} | nettest.timeout | \"0s\" must be between 1ms and 60s",
                "handover | {timeout: 0s} | handover.timeout"
                        + " | \"0s\" must be between 1ms and 600s",
                "stall | {threshold: 2h} | stall.threshold | \"2h\" must be between 1ms and 3600s"
            })
    void load_coreValueOutOfRange_reportedUnderTheSameKeyWithTheWrittenValue(
            String section, String value, String path, String rendered) {
        ConfigProblem problem = TestYaml.minimal().with(section, value).problemAt(dir, path);

        assertThat(problem.render()).isEqualTo(path + ": " + rendered);
    }

    @Test
    void load_coreCrossFieldRule_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("unreachable-primary", "{ping-count: 3}")
                        .problemAt(dir, "unreachable-primary.ping-count");

        assertThat(problem.render())
                .isEqualTo(
                        "unreachable-primary.ping-count: \"3\" has no effect unless"
                                + " unreachable-primary.ping-delay is above 0s; set both or"
                                + " neither");
    }

    @Test
    void load_valueWrongBothForUsAndTheCore_reportedOnce() {
        List<ConfigProblem> problems =
                TestYaml.minimal().with("node", "{id: ' node-a'}").problems(dir);

        assertThat(problems).extracting(ConfigProblem::path).containsExactly("node.id");
    }

    @Test
    void load_rangeBoundaries_accepted() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "notifier",
                                "{secret-file: secret, max-frame: 128KiB, handshake-timeout: 1ms,"
                                        + " keepalive-interval: 1ms, idle-timeout: 1h,"
                                        + " reconnect-initial: 1m, reconnect-max: 1h}")
                        .with("peer", "{id: node-b, host: 10.0.0.2, notifier-port: 65535}")
                        .with("probe", "{tcp-port: 1}")
                        .valid(dir);

        assertThat(config.notifier().maxFrameBytes()).isEqualTo(128 * 1024);
        assertThat(config.peer().notifierPort()).isEqualTo(65535);
    }

    @Test
    void load_mirrorRangeBoundaries_accepted() {
        DaemonConfig.Mirror low =
                TestYaml.minimal()
                        .with("mirror", "{quiet-period: 1ms, max-delay: 10ms, transfers: 1}")
                        .valid(dir)
                        .mirror();
        DaemonConfig.Mirror high =
                TestYaml.minimal()
                        .with("mirror", "{quiet-period: 10s, max-delay: 1m, transfers: 64}")
                        .valid(dir)
                        .mirror();

        assertThat(low.quietPeriod()).isEqualTo(Duration.ofMillis(1));
        assertThat(low.maxDelay()).isEqualTo(Duration.ofMillis(10));
        assertThat(low.transfers()).isEqualTo(1);
        assertThat(high.quietPeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(high.maxDelay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(high.transfers()).isEqualTo(64);
    }
}
