package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Values of the wrong type, and values YAML would have guessed wrong. */
class TypesTest {

    @TempDir Path dir;

    @Test
    void load_sectionWhereValueExpected_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("ping", "{delay: {value: 1s}}")
                        .problemAt(dir, "ping.delay");

        assertThat(problem.render()).isEqualTo("ping.delay: must be a duration, not a mapping");
    }

    @Test
    void load_listWhereValueExpected_reported() {
        ConfigProblem problem =
                TestYaml.minimal().with("cluster", "[a, b]").problemAt(dir, "cluster");

        assertThat(problem.render()).isEqualTo("cluster: must be a name, not a list");
    }

    @Test
    void load_valueWhereSectionExpected_reportedOnceWithoutFollowUps() {
        ConfigProblem problem = TestYaml.minimal().with("node", "node-a").problemAt(dir, "node");

        assertThat(problem.render())
                .isEqualTo("node: must be a section of keys (node: {...}), not a single value");
        assertThat(TestYaml.minimal().with("node", "node-a").problems(dir))
                .extracting(ConfigProblem::path)
                .doesNotContain("node.id");
    }

    @Test
    void load_valueWhereListExpected_reportedWithAnExample() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("nettest", "{addresses: 10.0.0.1}")
                        .problemAt(dir, "nettest.addresses");

        assertThat(problem.render())
                .isEqualTo(
                        "nettest.addresses: \"10.0.0.1\" must be a list, e.g. addresses:"
                                + " [10.0.0.1, tcp:10.0.0.53:53]");
    }

    @Test
    void load_listItemNotAValue_reportedAtTheItem() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("nettest", "{addresses: [10.0.0.1, [10.0.0.2]]}")
                        .problemAt(dir, "nettest.addresses[1]");

        assertThat(problem.message())
                .isEqualTo("must be a host name, an IP address or tcp:host:port, not a list");
    }

    @ParameterizedTest
    @ValueSource(strings = {"three", "3.5", "0x10", "1_000", "'3 '", "1e3"})
    void load_notAWholeNumber_reported(String written) {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("ping", "{retry-max: " + written + "}")
                        .problemAt(dir, "ping.retry-max");

        assertThat(problem.message()).isEqualTo("must be a whole number");
    }

    @Test
    void load_wholeNumberTooLargeForTheKey_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("ping", "{retry-max: 99999999999}")
                        .problemAt(dir, "ping.retry-max");

        assertThat(problem.render()).isEqualTo("ping.retry-max: \"99999999999\" is too large");
    }

    @Test
    void load_quotedNumber_readAsTheNumber() {
        DaemonConfig config = TestYaml.minimal().with("ping", "{retry-max: \"4\"}").valid(dir);

        assertThat(config.core().pingRetryMax()).isEqualTo(4);
    }

    @ParameterizedTest
    @CsvSource({"true, true", "false, false", "TRUE, true", "False, false"})
    void load_booleans_read(String written, boolean value) {
        DaemonConfig config =
                TestYaml.minimal().with("gateway-ping", "{enabled: " + written + "}").valid(dir);

        assertThat(config.core().gatewayPingEnabled()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "1", "0", "enabled"})
    void load_yamlOneOneBooleans_rejected(String written) {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("gateway-ping", "{enabled: " + written + "}")
                        .problemAt(dir, "gateway-ping.enabled");

        assertThat(problem.message()).isEqualTo("must be true or false");
    }

    @Test
    void load_releaseThatYamlWouldReadAsANumber_keptAsWritten() {
        DaemonConfig config =
                TestYaml.minimal().with("node", "{id: node-a, release: 2.10}").valid(dir);

        assertThat(config.node().release()).contains("2.10");
    }

    @Test
    void load_nameThatYamlWouldReadAsABoolean_keptAsWritten() {
        DaemonConfig config = TestYaml.minimal().with("cluster", "no").valid(dir);

        assertThat(config.cluster()).isEqualTo("no");
    }

    @ParameterizedTest
    @ValueSource(strings = {"'node a'", "-node", "'n/a'", "'é'", ".hidden"})
    void load_badName_reportedWithTheRule(String written) {
        ConfigProblem problem =
                TestYaml.minimal().with("node", "{id: " + written + "}").problemAt(dir, "node.id");

        assertThat(problem.message())
                .isEqualTo(
                        "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter"
                                + " or digit");
    }

    @Test
    void load_nameOf64Characters_reported() {
        String name = "a".repeat(64);

        assertThat(TestYaml.minimal().with("cluster", name).problemAt(dir, "cluster").value())
                .isEqualTo(name);
        assertThat(TestYaml.minimal().with("cluster", name.substring(1)).problems(dir)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "2.4.1", "2.5.0-rc1", "0.1.0-SNAPSHOT"})
    void load_validRelease_accepted(String release) {
        DaemonConfig config =
                TestYaml.minimal()
                        .with("node", "{id: node-a, release: '" + release + "'}")
                        .valid(dir);

        assertThat(config.node().release()).contains(release);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2.4", "2..4", "2.4-", "latest", "99999999999.1"})
    void load_badRelease_reported(String release) {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("node", "{id: node-a, release: '" + release + "'}")
                        .problemAt(dir, "node.release");

        assertThat(problem.message()).startsWith("must be a release like 2.4.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"peer.example.com", "10.0.0.2", "fe80::2", "peer_2"})
    void load_validPeerHost_accepted(String host) {
        DaemonConfig config =
                TestYaml.minimal().with("peer", "{id: node-b, host: '" + host + "'}").valid(dir);

        assertThat(config.core().peerHost()).isEqualTo(host);
    }

    @Test
    void load_peerHostWithPort_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("peer", "{id: node-b, host: '10.0.0.2:7400'}")
                        .problemAt(dir, "peer.host");

        assertThat(problem.message())
                .isEqualTo("must be a host name or IP address, without a port");
    }

    @Test
    void load_emptyQuotedValue_treatedAsMissing() {
        ConfigProblem problem =
                TestYaml.minimal().with("cluster", "\"\"").problemAt(dir, "cluster");

        assertThat(problem.message()).startsWith("is required");
    }
}
