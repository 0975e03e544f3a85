package io.switchover.daemon.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.state.State;
import io.switchover.daemon.store.SnmpEngineBoots;
import io.switchover.daemon.testing.PrometheusText;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real daemons on loopback, each sending its traps to one real snmptrapd: node-a with SNMPv2c,
 * node-b with SNMPv3 authPriv under its default engine ID. A module failure on node-a makes node-b
 * take over; snmptrapd logs both sides of it, and the status and metrics count what was sent.
 */
class DaemonSnmpTest {

    @TempDir Path dir;

    @BeforeAll
    static void netSnmp() {
        Optional<String> missing = NetSnmp.missing();
        assumeTrue(missing.isEmpty(), missing.orElse(""));
    }

    private void ownerOnly(String name, String text) throws Exception {
        Path file = dir.resolve("pair").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void switchover_trapsFromBothNodes_loggedBySnmptrapdAndCounted() throws Exception {
        String engineB = EngineIds.derive("test-pair", "node-b").hex();
        try (Snmptrapd trapd =
                Snmptrapd.start(
                        dir.resolve("trapd"),
                        List.of(
                                "authCommunity log pair-community",
                                "createUser -e "
                                        + engineB
                                        + " switchover SHA-256 auth-passphrase AES"
                                        + " priv-passphrase",
                                "authUser log switchover priv"))) {
            String receiver = "127.0.0.1:" + trapd.port();
            ownerOnly("community", "pair-community");
            ownerOnly("auth", "auth-passphrase");
            ownerOnly("priv", "priv-passphrase");
            try (TestPair pair =
                    TestPair.builder(dir.resolve("pair"))
                            .a(
                                    y ->
                                            y.snmp(
                                                    "receivers: [{address: '"
                                                            + receiver
                                                            + "', version: v2c, community-file:"
                                                            + " community}]"))
                            .b(
                                    y ->
                                            y.snmp(
                                                    "receivers: [{address: '"
                                                            + receiver
                                                            + "', version: v3, user: switchover,"
                                                            + " auth-passphrase-file: auth,"
                                                            + " priv-passphrase-file: priv}]"))
                            .build()
                            .start()) {
                TestNode a = pair.a();
                TestNode b = pair.b();
                trapd.awaitLogged("STRING: PEER_IS_PRIMARY");

                a.module().close();
                b.awaitState(State.PRIMARY);
                a.awaitState(State.FAILED);

                trapd.awaitLogged("STRING: PEER_TOOK_OVER");
                String switchedOver =
                        trapd.traps().stream()
                                .filter(t -> t.contains("switchoverSwitchedOver"))
                                .findFirst()
                                .orElseThrow();
                assertThat(switchedOver)
                        .contains(
                                "switchoverNodeName.0 = STRING: node-b",
                                "switchoverPeerName.0 = STRING: node-a",
                                "switchoverState.0 = INTEGER: primary(2)",
                                "switchoverPreviousState.0 = INTEGER: reconnecting(4)",
                                "switchoverReasonCause.0 = STRING: MODULE_DOWN");
                long generation = b.status().path("node").path("generation").asLong();
                assertThat(switchedOver)
                        .contains("switchoverGeneration.0 = Counter64: " + generation);
                assertThat(trapd.traps())
                        .anyMatch(
                                t ->
                                        t.contains("switchoverNodeName.0 = STRING: node-a")
                                                && t.contains("INTEGER: failed(7)")
                                                && t.contains("INTEGER: primary(2)"));

                // node-b sent at least STARTING -> BACKUP, BACKUP -> RECONNECTING, RECONNECTING ->
                // PRIMARY and its switchover (and a split brain won, if node-a was still primary
                // when they met): every trap counted as sent arrived.
                await().until(
                                () ->
                                        snmpReceiver(b).path("sent").asLong()
                                                == trapsFrom(trapd, "node-b"));
                long sent = snmpReceiver(b).path("sent").asLong();
                assertThat(sent).isGreaterThanOrEqualTo(4);
                JsonNode status = b.status().path("snmp");
                assertThat(status.path("engineId").asText()).isEqualTo(engineB);
                assertThat(status.path("engineBoots").asInt()).isEqualTo(1);
                assertThat(snmpReceiver(b).path("receiver").asText()).isEqualTo(receiver);
                assertThat(snmpReceiver(b).path("securityLevel").asText()).isEqualTo("authPriv");
                assertThat(snmpReceiver(b).path("failed").asLong()).isZero();
                PrometheusText metrics = PrometheusText.parse(b.admin().get("metrics").body());
                assertThat(
                                metrics.value(
                                        "switchover_snmp_traps_total",
                                        Map.of("receiver", receiver, "outcome", "sent")))
                        .isEqualTo((double) sent);
                assertThat(
                                metrics.value(
                                        "switchover_snmp_traps_total",
                                        Map.of("receiver", receiver, "outcome", "dropped")))
                        .isZero();
                assertThat(
                                Files.readString(
                                        b.dataDir().resolve(SnmpEngineBoots.FILE),
                                        StandardCharsets.US_ASCII))
                        .isEqualTo("1\n");
                assertThat(a.status().has("snmp")).isTrue();

                // A clean stop sends the last transition before the daemon exits.
                b.stop();
                trapd.awaitLogged("switchoverNodeName.0 = STRING: node-b");
                await().atMost(Snmptrapd.WAIT)
                        .until(
                                () ->
                                        trapd.traps().stream()
                                                .anyMatch(
                                                        t ->
                                                                t.contains("STRING: node-b")
                                                                        && t.contains(
                                                                                "INTEGER:"
                                                                                        + " stopped(8)")));
            }
        }
    }

    private static long trapsFrom(Snmptrapd trapd, String node) {
        return trapd.traps().stream()
                .filter(t -> t.contains("switchoverNodeName.0 = STRING: " + node + "\t"))
                .count();
    }

    private static JsonNode snmpReceiver(TestNode node) {
        return node.status().path("snmp").path("receivers").path(0);
    }
}
