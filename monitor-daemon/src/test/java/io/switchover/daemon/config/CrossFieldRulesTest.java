package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules that involve more than one key. */
class CrossFieldRulesTest {

    @TempDir Path dir;

    @Test
    void load_peerIdEqualsNodeId_reportedAtPeerId() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("peer", "{id: node-a, host: 10.0.0.2}")
                        .problemAt(dir, "peer.id");

        assertThat(problem.render())
                .isEqualTo(
                        "peer.id: \"node-a\" must differ from node.id: a node cannot be its own"
                                + " peer");
    }

    @Test
    void load_neitherSecretNorTls_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("notifier", "{listen: 0.0.0.0:7400}")
                        .problemAt(dir, "notifier.secret-file");

        assertThat(problem.render())
                .isEqualTo(
                        "notifier.secret-file: is required unless notifier.tls is set: the nodes"
                                + " must authenticate each other");
    }

    @Test
    void load_notifierSectionMissing_secretRequired() {
        assertThat(TestYaml.minimal().without("notifier").problems(dir))
                .extracting(ConfigProblem::path)
                .containsExactly("notifier.secret-file");
    }

    @Test
    void load_idleTimeoutBelowTwiceKeepalive_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with(
                                "notifier",
                                "{secret-file: secret, keepalive-interval: 3s, idle-timeout: 5s}")
                        .problemAt(dir, "notifier.idle-timeout");

        assertThat(problem.render())
                .isEqualTo(
                        "notifier.idle-timeout: \"5s\" must be at least twice"
                                + " notifier.keepalive-interval (3s), so one late keepalive does"
                                + " not drop the connection");
    }

    @Test
    void load_keepaliveAboveHalfTheDefaultIdleTimeout_reportedWithTheDefault() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("notifier", "{secret-file: secret, keepalive-interval: 6s}")
                        .problemAt(dir, "notifier.idle-timeout");

        assertThat(problem.value()).isEqualTo("10s");
        assertThat(problem.message()).contains("(6s)");
    }

    @Test
    void load_idleTimeoutExactlyTwiceKeepalive_accepted() {
        TestYaml.minimal()
                .with("notifier", "{secret-file: secret, keepalive-interval: 2s, idle-timeout: 4s}")
                .valid(dir);
    }

    @Test
    void load_reconnectMaxBelowInitial_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with(
                                "notifier",
                                "{secret-file: secret, reconnect-initial: 2s, reconnect-max: 1s}")
                        .problemAt(dir, "notifier.reconnect-max");

        assertThat(problem.render())
                .isEqualTo(
                        "notifier.reconnect-max: \"1s\" must be at least"
                                + " notifier.reconnect-initial (2s)");
    }

    @Test
    void load_mirrorMaxDelayBelowQuietPeriod_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{quiet-period: 100ms, max-delay: 50ms}")
                        .problemAt(dir, "mirror.max-delay");

        assertThat(problem.render())
                .isEqualTo(
                        "mirror.max-delay: \"50ms\" must be at least mirror.quiet-period (100ms):"
                                + " it bounds how long a file rewritten without pause waits");
    }

    @Test
    void load_mirrorQuietPeriodAboveTheDefaultMaxDelay_reportedWithTheDefault() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("mirror", "{quiet-period: 5s}")
                        .problemAt(dir, "mirror.max-delay");

        assertThat(problem.value()).isEqualTo("1s");
        assertThat(problem.message()).contains("(5s)");
    }

    @Test
    void load_mirrorMaxDelayEqualToQuietPeriod_accepted() {
        TestYaml.minimal().with("mirror", "{quiet-period: 2s, max-delay: 2s}").valid(dir);
    }

    @Test
    void load_adminOnTheNotifierPort_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("admin", "{listen: 127.0.0.1:7400}")
                        .problemAt(dir, "admin.listen");

        assertThat(problem.render())
                .isEqualTo(
                        "admin.listen: \"127.0.0.1:7400\" uses the same port as notifier.listen"
                                + " (0.0.0.0:7400)");
    }

    @Test
    void load_adminOnTheNotifierPortOfAnotherAddress_accepted() {
        TestYaml.minimal()
                .with("notifier", "{secret-file: secret, listen: 10.0.0.1:7400}")
                .with("admin", "{listen: 127.0.0.1:7400}")
                .valid(dir);
    }

    @Test
    void load_registeredModuleOnAdminPort_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: registered}, listen: 'localhost:7480'}")
                        .problemAt(dir, "module.listen");

        assertThat(problem.render())
                .isEqualTo(
                        "module.listen: \"localhost:7480\" uses the same port as admin.listen"
                                + " (127.0.0.1:7480)");
    }

    @Test
    void load_peerOnLoopbackAtOwnNotifierPort_reportedAsSelfConnection() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("peer", "{id: node-b, host: 127.0.0.1}")
                        .problemAt(dir, "peer.notifier-port");

        assertThat(problem.render())
                .isEqualTo(
                        "peer.notifier-port: \"7400\" is this node's own notifier.listen port and"
                                + " peer.host is loopback: the node would connect to itself; give"
                                + " each node its own port");
    }

    @Test
    void load_peerOnLoopbackAtAnotherPort_accepted() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with("peer", "{id: node-b, host: 127.0.0.1, notifier-port: 7420}")
                        .with("notifier", "{secret-file: secret, listen: 127.0.0.1:7410}")
                        .valid(dir);

        assertThat(config.peerNotifier()).isEqualTo(new HostPort("127.0.0.1", 7420));
    }

    @Test
    void load_brokenSectionsAndCrossRules_noRepeatsOfTheSameMistake() {
        List<ConfigProblem> problems =
                TestYaml.minimal()
                        .with(
                                "notifier",
                                "{secret-file: secret, keepalive-interval: fast, idle-timeout: 1s,"
                                        + " reconnect-initial: soon, reconnect-max: 1ms}")
                        .problems(dir);

        assertThat(problems)
                .extracting(ConfigProblem::path)
                .containsExactly("notifier.keepalive-interval", "notifier.reconnect-initial");
    }
}
