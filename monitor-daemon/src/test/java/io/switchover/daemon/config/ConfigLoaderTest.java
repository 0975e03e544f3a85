package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.switchover.core.config.CoreConfig;
import io.switchover.daemon.hooks.HookEvent;
import io.switchover.daemon.hooks.HookRole;
import io.switchover.daemon.probe.ProbeMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir Path dir;

    @Test
    void load_minimalFile_valid() {
        DaemonConfig config = TestYaml.minimal().valid(dir);

        assertThat(config.cluster()).isEqualTo("test");
        assertThat(config.nodeId()).isEqualTo("node-a");
        assertThat(config.peer().id()).isEqualTo("node-b");
        assertThat(config.core().peerHost()).isEqualTo("10.0.0.2");
        assertThat(config.file()).isEqualTo(dir.resolve("switchover.yaml").toAbsolutePath());
    }

    @Test
    void load_minimalFile_daemonDefaultsApplied() {
        DaemonConfig config = TestYaml.minimal().valid(dir);

        assertThat(config.node().dataDir()).isEqualTo(Path.of("/var/lib/switchover"));
        assertThat(config.node().release()).isEmpty();
        assertThat(config.peer().notifierPort()).isEqualTo(7400);
        DaemonConfig.Notifier notifier = config.notifier();
        assertThat(notifier.listen()).isEqualTo(new HostPort("0.0.0.0", 7400));
        assertThat(notifier.tls()).isEmpty();
        assertThat(notifier.maxFrameBytes()).isEqualTo(16 << 20);
        assertThat(notifier.handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(notifier.keepaliveInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(notifier.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(notifier.reconnect().initial()).isEqualTo(Duration.ofMillis(100));
        assertThat(notifier.reconnect().max()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.module().name()).isEqualTo("app");
        assertThat(config.probe().mode()).isEqualTo(ProbeMode.AUTO);
        assertThat(config.probe().tcpPort()).isEqualTo(22);
        assertThat(config.probe().peerHost()).isEmpty();
        assertThat(config.hooks().timeout()).isEqualTo(Duration.ofSeconds(30));
        for (HookEvent event : HookEvent.values()) {
            for (HookRole role : HookRole.values()) {
                assertThat(config.hooks().scripts(event, role)).isEmpty();
            }
        }
        assertThat(config.mirror()).isEqualTo(DaemonConfig.Mirror.NONE);
        assertThat(config.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 7480));
        assertThat(config.logging().dir()).isEqualTo(Path.of("/var/log/switchover"));
    }

    @Test
    void load_minimalFile_coreDefaultsApplied() {
        DaemonConfig config = TestYaml.minimal().valid(dir);

        assertThat(config.core()).isEqualTo(CoreConfig.defaults("node-a", "10.0.0.2"));
    }

    @Test
    void load_everyCoreKey_mappedToCoreConfig() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with("node", "{id: node-a, tie-break-rank: 1}")
                        .with("peer", "{id: node-b, host: 10.0.0.2, host-ping-timeout: 300ms}")
                        .with("ping", "{delay: 250ms, timeout: 2s, retry-max: 4}")
                        .with(
                                "module",
                                "{check: {type: registered}, ping-interval: 3s, ping-timeout: 20s,"
                                        + " retry-delay: 2s, max-failures: 5, confirm-pings: 3,"
                                        + " monitor-poll-interval: 7s}")
                        .with("reconnect", "{attempts: 9, attempt-delay: 1s, interval: 2m}")
                        .with("unreachable-primary", "{ping-delay: 5s, ping-count: 6}")
                        .with("startup", "{window: 45s}")
                        .with("gateway-ping", "{enabled: true, timeout: 400ms}")
                        .with("nettest", "{addresses: [10.0.0.1, 'tcp:10.0.0.53:53'], timeout: 2s}")
                        .with("handover", "{timeout: 1m}")
                        .with("stall", "{threshold: 3s}")
                        .valid(dir);

        CoreConfig expected =
                CoreConfig.builder("node-a", "10.0.0.2")
                        .tieBreakRank(1)
                        .peerHostPingTimeout(Duration.ofMillis(300))
                        .pingDelay(Duration.ofMillis(250))
                        .pingTimeout(Duration.ofSeconds(2))
                        .pingRetryMax(4)
                        .modulePingInterval(Duration.ofSeconds(3))
                        .modulePingTimeout(Duration.ofSeconds(20))
                        .moduleRetryDelay(Duration.ofSeconds(2))
                        .moduleMaxFailures(5)
                        .moduleConfirmPings(3)
                        .moduleMonitorPollInterval(Duration.ofSeconds(7))
                        .reconnectAttempts(9)
                        .reconnectAttemptDelay(Duration.ofSeconds(1))
                        .reconnectInterval(Duration.ofMinutes(2))
                        .unreachablePrimaryPingDelay(Duration.ofSeconds(5))
                        .unreachablePrimaryPingCount(6)
                        .startupWindow(Duration.ofSeconds(45))
                        .gatewayPingEnabled(true)
                        .gatewayPingTimeout(Duration.ofMillis(400))
                        .netTestAddresses(List.of("10.0.0.1", "tcp:10.0.0.53:53"))
                        .netTestTimeout(Duration.ofSeconds(2))
                        .handoverTimeout(Duration.ofMinutes(1))
                        .stallThreshold(Duration.ofSeconds(3))
                        .build();
        assertThat(config.core()).isEqualTo(expected);
    }

    @Test
    void load_keysWithoutValues_defaultsApply() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with("ping", "\n  delay:\n  timeout: ~\n  retry-max: null")
                        .with("probe", "")
                        .valid(dir);

        assertThat(config.core().pingDelay()).isEqualTo(CoreConfig.DEFAULT_PING_DELAY);
        assertThat(config.core().pingTimeout()).isEqualTo(CoreConfig.DEFAULT_PING_TIMEOUT);
        assertThat(config.probe().mode()).isEqualTo(ProbeMode.AUTO);
    }

    @Test
    void load_relativePaths_resolvedAgainstTheFilesDirectory() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(sub.resolve("pair.secret"), TestYaml.SECRET);
        Path config =
                TestYaml.write(
                        sub,
                        TestYaml.minimal()
                                .with("node", "{id: node-a, data-dir: ../state/a}")
                                .with("notifier", "{secret-file: pair.secret}")
                                .with("logging", "{dir: logs}")
                                .text());

        DaemonConfig loaded = ConfigLoader.load(config).orElseThrow();

        assertThat(loaded.notifier().secret().orElseThrow().file())
                .isEqualTo(sub.resolve("pair.secret").toAbsolutePath());
        assertThat(loaded.node().dataDir()).isEqualTo(dir.resolve("state/a").toAbsolutePath());
        assertThat(loaded.logging().dir()).isEqualTo(sub.resolve("logs").toAbsolutePath());
    }

    @Test
    void load_relativeFileArgument_resolvedFromTheWorkingDirectory() {
        Path file = TestYaml.minimal().write(dir);
        Path relative = Path.of("").toAbsolutePath().relativize(file);

        DaemonConfig loaded = ConfigLoader.load(relative).orElseThrow();

        assertThat(loaded.file()).isEqualTo(file.toAbsolutePath());
    }

    @Test
    void load_fileWithManyMistakes_reportsThemAllAtOnce() {
        String yaml =
                String.join(
                        "\n",
                        "cluster: billing",
                        "node:",
                        "  id: node-a",
                        "  tie-break-rank: high",
                        "peer:",
                        "  id: node-a",
                        "  notifier-port: 70000",
                        "notifer:",
                        "  listen: 0.0.0.0:7400",
                        "ping:",
                        "  delay: 0s",
                        "  timeout: 5 seconds",
                        "  retry_max: 3",
                        "module:",
                        "  check: {type: htpp}",
                        "gateway-ping: {enabled: yes}",
                        "nettest: {addresses: [10.0.0.1, 'udp:10.0.0.2:53']}",
                        "probe: {mode: icmp, tcp-port: 0}",
                        "hooks: {on-enter-primary: [missing.sh]}",
                        "");

        List<ConfigProblem> problems = ConfigLoader.load(TestYaml.write(dir, yaml)).problems();

        assertThat(TestYaml.renderAll(problems))
                .containsExactly(
                        "node.tie-break-rank: \"high\" must be a whole number",
                        "peer.id: \"node-a\" must differ from node.id: a node cannot be its own"
                                + " peer",
                        "peer.host: is required (the other node's host name or IP address)",
                        "peer.notifier-port: \"70000\" must be between 1 and 65535",
                        "notifier.secret-file: is required unless notifier.tls is set: the"
                                + " nodes must authenticate each other",
                        "ping.delay: \"0s\" must be between 1ms and 600s",
                        "ping.timeout: \"5 seconds\" is not a duration: write a whole number"
                                + " followed by ms, s, m or h (250ms, 10s, 2m, 1h)",
                        "ping.retry_max: is not a known key; did you mean 'retry-max'?",
                        "module.check.type: \"htpp\" must be one of tcp, http, command,"
                                + " registered; did you mean 'http'?",
                        "gateway-ping.enabled: \"yes\" must be true or false",
                        "nettest.addresses[1]: \"udp:10.0.0.2:53\" unknown probe type 'udp' in"
                                + " 'udp:10.0.0.2:53': write a plain host or IP address (ICMP echo)"
                                + " or tcp:HOST:PORT",
                        "probe.tcp-port: \"0\" must be between 1 and 65535",
                        "hooks.on-enter-primary[0]: \"missing.sh\" does not exist: "
                                + dir.resolve("missing.sh").toAbsolutePath(),
                        "notifer: is not a known key; did you mean 'notifier'?");
    }

    @Test
    void load_emptyFile_reportsEveryRequiredKey() throws Exception {
        Path file = Files.writeString(dir.resolve("switchover.yaml"), "# nothing yet\n");

        List<ConfigProblem> problems = ConfigLoader.load(file).problems();

        assertThat(problems)
                .extracting(ConfigProblem::path)
                .containsExactly(
                        "cluster",
                        "node.id",
                        "peer.id",
                        "peer.host",
                        "notifier.secret-file",
                        "module.check.type");
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).startsWith("is required"));
    }

    @Test
    void load_missingFile_oneFileProblem() {
        ConfigResult result = ConfigLoader.load(dir.resolve("absent.yaml"));

        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(result.problems())
                .containsExactly(new ConfigProblem("", null, "the file does not exist"));
    }

    @Test
    void load_directory_oneFileProblem() {
        assertThat(ConfigLoader.load(dir).problems())
                .extracting(ConfigProblem::message)
                .containsExactly("the file is a directory, not a configuration file");
    }

    @Test
    void load_notUtf8_oneFileProblem() throws Exception {
        Path file =
                Files.write(
                        dir.resolve("switchover.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff});

        assertThat(ConfigLoader.load(file).problems())
                .extracting(ConfigProblem::message)
                .containsExactly("the file is not UTF-8 text");
    }

    @Test
    void load_syntaxError_reportsLineAndColumnOnly() throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("switchover.yaml"), "cluster: test\nnode: [a, b\npeer: x\n");

        List<ConfigProblem> problems = ConfigLoader.load(file).problems();

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path()).isEmpty();
        assertThat(problems.get(0).message())
                .startsWith("the file is not valid YAML at line 3, column 5: ")
                .contains("expected ',' or ']'")
                .doesNotContain("\n");
    }

    @Test
    void load_tabIndentation_reportsLineAndColumn() throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("switchover.yaml"), "cluster: test\nnode:\n\tid: a\n");

        assertThat(ConfigLoader.load(file).problems())
                .singleElement()
                .extracting(ConfigProblem::message)
                .asString()
                .startsWith("the file is not valid YAML at line 3, column 1: ")
                .contains("TAB");
    }

    @Test
    void load_listAtTopLevel_oneFileProblem() throws Exception {
        Path file = Files.writeString(dir.resolve("switchover.yaml"), "- cluster\n- node\n");

        assertThat(ConfigLoader.load(file).problems())
                .extracting(ConfigProblem::message)
                .containsExactly(
                        "the file must hold a mapping of keys (cluster:, node:, peer:, ...), not"
                                + " a list");
    }

    @Test
    void load_duplicateKey_reportedWithBothLines() {
        String yaml = TestYaml.minimal().text() + "cluster: other\n";

        List<ConfigProblem> problems = ConfigLoader.load(TestYaml.write(dir, yaml)).problems();

        assertThat(TestYaml.renderAll(problems))
                .containsExactly("cluster: is given twice (lines 1 and 6); keep one");
    }

    @Test
    void load_yamlAlias_reportedAtItsKey() {
        String yaml = TestYaml.minimal().with("ping", "{delay: &d 1s, timeout: *d}").text();

        assertThat(TestYaml.renderAll(ConfigLoader.load(TestYaml.write(dir, yaml)).problems()))
                .containsExactly(
                        "ping.timeout: \"*d\" is a YAML alias; aliases are not supported, write"
                                + " the value out");
    }

    @Test
    void load_secondDocument_reported() {
        String yaml = TestYaml.minimal().text() + "---\ncluster: other\n";

        assertThat(ConfigLoader.load(TestYaml.write(dir, yaml)).problems())
                .extracting(ConfigProblem::message)
                .containsExactly(
                        "the file has a second YAML document at line 7 (after ---), which would"
                                + " be ignored; keep the whole configuration in one document");
    }

    @Test
    void load_problems_inFileOrderWhateverOrderTheyWereFound() {
        List<ConfigProblem> problems =
                TestYaml.minimal()
                        .with("logging", "{dir: [a]}")
                        .with("ping", "{delay: 0s}")
                        .with("cluster", "bad name")
                        .problems(dir);

        assertThat(problems)
                .extracting(ConfigProblem::path)
                .containsExactly("cluster", "ping.delay", "logging.dir");
    }

    @Test
    void orElseThrow_invalid_throwsWithTheRendering() {
        ConfigResult result = TestYaml.minimal().without("cluster").load(dir);

        assertThatIllegalStateException()
                .isThrownBy(result::orElseThrow)
                .withMessageContaining("1 problem")
                .withMessageContaining("cluster: is required");
    }

    @Test
    void render_invalid_headerThenOneIndentedLinePerProblem() {
        ConfigResult.Invalid invalid =
                (ConfigResult.Invalid)
                        TestYaml.minimal().with("ping", "{delay: 0s}").without("cluster").load(dir);

        assertThat(invalid.render())
                .isEqualTo(
                        invalid.file()
                                + ": 2 problems"
                                + System.lineSeparator()
                                + "  cluster: is required (the pair's name, the same on both"
                                + " nodes)"
                                + System.lineSeparator()
                                + "  ping.delay: \"0s\" must be between 1ms and 600s");
    }

    @Test
    void knownKeys_everyValueKey_inFileOrder() {
        List<String> keys = ConfigLoader.knownKeys();

        assertThat(keys).startsWith("cluster", "node.id", "node.tie-break-rank");
        assertThat(keys)
                .contains(
                        "notifier.tls.certificate-chain",
                        "module.check.expect-status",
                        "hooks.on-leave-failed",
                        "mirror.initial",
                        "mirror.continuous",
                        "logging.dir")
                .doesNotHaveDuplicates();
        assertThat(keys).endsWith("logging.dir");
    }

    @Test
    void load_utf8Bom_isNotAProblem() throws Exception {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        byte[] text = TestYaml.minimal().text().getBytes(StandardCharsets.UTF_8);
        byte[] both = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, both, 0, bom.length);
        System.arraycopy(text, 0, both, bom.length, text.length);
        Files.writeString(dir.resolve("secret"), TestYaml.SECRET);
        Path file = Files.write(dir.resolve("switchover.yaml"), both);

        assertThat(ConfigLoader.load(file).problems()).isEmpty();
    }
}
