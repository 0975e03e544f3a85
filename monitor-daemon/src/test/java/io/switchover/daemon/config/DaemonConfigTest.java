package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.switchover.daemon.hooks.HookEvent;
import io.switchover.daemon.hooks.HookRole;
import io.switchover.daemon.probe.ProbeMode;
import io.switchover.daemon.probe.ProbeTarget;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.PeerInfo;
import io.switchover.notifier.transport.NotifierSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the wiring takes from a loaded configuration. */
class DaemonConfigTest {

    @TempDir Path dir;

    @Test
    void notifierSettings_validConfig_carriesEveryNotifierValue() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "notifier",
                                "{secret-file: secret, max-frame: 1MiB, handshake-timeout: 2s,"
                                        + " keepalive-interval: 300ms, idle-timeout: 900ms,"
                                        + " reconnect-initial: 20ms, reconnect-max: 2s}")
                        .valid(dir);

        NotifierSettings settings =
                config.notifierSettings("1.2.3").capabilities(List.of("registry")).build();

        assertThat(settings.cluster()).isEqualTo("test");
        assertThat(settings.nodeId()).isEqualTo("node-a");
        assertThat(settings.release()).isEqualTo("1.2.3");
        assertThat(settings.capabilities()).containsExactly("registry");
        assertThat(new String(settings.sharedSecret(), StandardCharsets.US_ASCII))
                .isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(settings.tls()).isNull();
        assertThat(settings.maxFrameLength()).isEqualTo(1 << 20);
        assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.keepaliveInterval()).isEqualTo(Duration.ofMillis(300));
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMillis(900));
        assertThat(settings.reconnect().initial()).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.reconnect().max()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void notifierSettings_smallestMaxFrame_buildsWithTheDefaultStreamChunk() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with("notifier", "{secret-file: secret, max-frame: 128KiB}")
                        .valid(dir);

        assertThat(config.notifierSettings("1.0").build().maxFrameLength()).isEqualTo(128 << 10);
    }

    @Test
    void notifierSettings_releaseOverride_winsOverTheBuildsRelease() {
        DaemonConfig config =
                TestYaml.minimal().with("node", "{id: node-a, release: 2.0.0}").valid(dir);

        assertThat(config.notifierSettings("1.9.0").build().release()).isEqualTo("2.0.0");
    }

    @Test
    void notifierSettings_policy_acceptsOnlyThePeer() {
        NotifierSettings settings = TestYaml.minimal().valid(dir).notifierSettings("1.0").build();

        assertThat(settings.policy().refusal(peer("node-b"))).isEmpty();
        assertThat(settings.policy().refusal(peer("node-c")))
                .contains("node 'node-c' is not this node's peer (peer.id is 'node-b')");
    }

    @Test
    void notifierSettings_secretCopies_callersCannotChangeTheSecret() {
        DaemonConfig config = TestYaml.minimal().valid(dir);
        byte[] first = config.notifier().secret().orElseThrow().bytes();
        first[0] = 'X';

        assertThat(config.notifier().secret().orElseThrow().bytes()[0]).isEqualTo((byte) '0');
        assertThat(config.notifier().secret().orElseThrow().toString())
                .doesNotContain("0123456789abcdef")
                .contains("32 bytes");
    }

    @Test
    void probeTarget_peerHostWithOverride_theOverride() {
        DaemonConfig config =
                TestYaml.minimal().with("probe", "{peer-host: 'tcp:10.0.0.2:22'}").valid(dir);

        assertThat(config.probeTarget("10.0.0.2")).isEqualTo(new ProbeTarget.Tcp("10.0.0.2", 22));
        assertThat(config.probeTarget("10.0.0.1")).isEqualTo(new ProbeTarget.Plain("10.0.0.1"));
    }

    @Test
    void probeTarget_withoutOverride_asWritten() {
        DaemonConfig config = TestYaml.minimal().valid(dir);

        assertThat(config.probeTarget("10.0.0.2")).isEqualTo(new ProbeTarget.Plain("10.0.0.2"));
        assertThat(config.probeTarget("tcp:10.0.0.53:53"))
                .isEqualTo(new ProbeTarget.Tcp("10.0.0.53", 53));
        assertThatIllegalArgumentException().isThrownBy(() -> config.probeTarget("not an address"));
    }

    @Test
    void probe_modeAndPort_read() {
        DaemonConfig config =
                TestYaml.minimal().with("probe", "{mode: tcp, tcp-port: 2222}").valid(dir);

        assertThat(config.probe().mode()).isEqualTo(ProbeMode.TCP);
        assertThat(config.probe().mode().configName()).isEqualTo("tcp");
        assertThat(config.probe().tcpPort()).isEqualTo(2222);
    }

    @Test
    void peerNotifier_peerHostAndPort() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with("peer", "{id: node-b, host: node-b.example, notifier-port: 7500}")
                        .valid(dir);

        assertThat(config.peerNotifier()).isEqualTo(new HostPort("node-b.example", 7500));
    }

    @Test
    void hooks_scriptsMap_cannotBeChanged() {
        DaemonConfig config = TestYaml.minimal().valid(dir);

        assertThat(config.hooks().onEnter()).hasSize(HookRole.values().length);
        assertThat(config.hooks().onLeave()).hasSize(HookRole.values().length);
        assertThat(config.hooks().scripts(HookEvent.ENTER, HookRole.PRIMARY)).isUnmodifiable();
    }

    @Test
    void render_valueAndMessage_quotedAndEscaped() {
        assertThat(new ConfigProblem("ping.delay", "0s", "must be between 1ms and 600s").render())
                .isEqualTo("ping.delay: \"0s\" must be between 1ms and 600s");
        assertThat(new ConfigProblem("cluster", "a \"b\"\t\n", "is bad").render())
                .isEqualTo("cluster: \"a \\\"b\\\"\\t\\n\" is bad");
        assertThat(new ConfigProblem("node.id", null, "is required").render())
                .isEqualTo("node.id: is required");
        assertThat(new ConfigProblem("", null, "the file does not exist").render())
                .isEqualTo("the file does not exist");
    }

    @Test
    void render_longValue_cut() {
        String rendered = new ConfigProblem("cluster", "x".repeat(200), "is bad").render();

        assertThat(rendered).isEqualTo("cluster: \"" + "x".repeat(80) + "...\" is bad");
    }

    private static PeerInfo peer(String nodeId) {
        return new PeerInfo(
                "test",
                nodeId,
                "1.0",
                1,
                "BACKUP",
                0,
                ConnectionKind.MAIN,
                List.of(),
                new InetSocketAddress("127.0.0.1", 1),
                "hmac-sha256",
                "",
                1 << 20);
    }
}
