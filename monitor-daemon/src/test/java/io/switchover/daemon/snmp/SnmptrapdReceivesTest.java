package io.switchover.daemon.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.daemon.snmp.SnmpSettings.EngineId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Traps as a real Net-SNMP snmptrapd receives and logs them, with SWITCHOVER-MIB loaded so that it
 * prints the MIB's names: v2c with a community, v3 with every authentication protocol and AES-128
 * privacy, and a v3 trap with a wrong passphrase that snmptrapd must not accept.
 */
class SnmptrapdReceivesTest {

    static final Traps TRAPS = new Traps("node-a", "test-pair", "node-b");
    static final EngineId ENGINE = EngineIds.derive("test-pair", "node-a");
    static final String AUTH = "auth-passphrase-1";
    static final String PRIV = "priv-passphrase-2";

    @TempDir Path dir;

    @BeforeAll
    static void netSnmp() {
        Optional<String> missing = NetSnmp.missing();
        assumeTrue(missing.isEmpty(), missing.orElse(""));
    }

    static Transition takeover(long generation, String detail) {
        return new Transition(
                3,
                State.RECONNECTING,
                State.PRIMARY,
                Reason.of(Reason.Cause.MODULE_DOWN, detail),
                generation,
                0);
    }

    static Passphrase secret(Path dir, String text) {
        return new Passphrase(dir.resolve("secret"), text.getBytes(StandardCharsets.UTF_8));
    }

    static SnmpNotifier notifier(EngineId engine, SnmpReceiver... receivers) throws Exception {
        return new SnmpNotifier(
                TRAPS, new SnmpSettings(Optional.empty(), 100, List.of(receivers)), engine, 1);
    }

    SnmpReceiver.V3 v3(int port, AuthProtocol auth, String authPass, PrivProtocol priv) {
        return new SnmpReceiver.V3(
                "127.0.0.1",
                port,
                "trapuser",
                auth,
                secret(dir, authPass),
                priv,
                priv == PrivProtocol.NONE ? Optional.empty() : Optional.of(secret(dir, PRIV)));
    }

    static String createUser(EngineId engine, AuthProtocol auth, PrivProtocol priv) {
        return "createUser -e "
                + engine.hex()
                + " trapuser "
                + auth.netSnmpName()
                + " "
                + AUTH
                + (priv == PrivProtocol.NONE ? "" : " " + priv.netSnmpName() + " " + PRIV);
    }

    @Test
    void v2c_switchover_stateChangedThenSwitchedOverWithEveryObject() throws Exception {
        try (Snmptrapd trapd =
                        Snmptrapd.start(
                                dir.resolve("trapd"),
                                List.of("authCommunity log s3cret-community"));
                SnmpNotifier notifier =
                        notifier(
                                ENGINE,
                                new SnmpReceiver.V2c(
                                        "127.0.0.1",
                                        trapd.port(),
                                        secret(dir, "s3cret-community")))) {
            notifier.start();
            notifier.transition(takeover(7, "module test-app down: ping refused"));

            trapd.awaitLogged("snmpTrapOID.0 = OID: SWITCHOVER-MIB::switchoverSwitchedOver");
            List<String> traps = trapd.traps();
            assertThat(traps).hasSize(2);
            assertThat(fields(traps.get(0)).get(0))
                    .startsWith("SNMPv2-MIB::sysUpTime.0 = Timeticks: ");
            assertThat(fields(traps.get(0)))
                    .containsSubsequence(
                            "SNMPv2-MIB::snmpTrapOID.0 = OID: SWITCHOVER-MIB::switchoverStateChanged",
                            "SWITCHOVER-MIB::switchoverNodeName.0 = STRING: node-a",
                            "SWITCHOVER-MIB::switchoverClusterName.0 = STRING: test-pair",
                            "SWITCHOVER-MIB::switchoverPeerName.0 = STRING: node-b",
                            "SWITCHOVER-MIB::switchoverState.0 = INTEGER: primary(2)",
                            "SWITCHOVER-MIB::switchoverPreviousState.0 = INTEGER: reconnecting(4)",
                            "SWITCHOVER-MIB::switchoverRole.0 = INTEGER: primary(2)",
                            "SWITCHOVER-MIB::switchoverReasonCause.0 = STRING: MODULE_DOWN",
                            "SWITCHOVER-MIB::switchoverReasonDetail.0 = STRING: module test-app"
                                    + " down: ping refused",
                            "SWITCHOVER-MIB::switchoverGeneration.0 = Counter64: 7")
                    .hasSize(11);
            assertThat(fields(traps.get(1)))
                    .containsSubsequence(
                            "SNMPv2-MIB::snmpTrapOID.0 = OID: SWITCHOVER-MIB::switchoverSwitchedOver",
                            "SWITCHOVER-MIB::switchoverNodeName.0 = STRING: node-a",
                            "SWITCHOVER-MIB::switchoverState.0 = INTEGER: primary(2)",
                            "SWITCHOVER-MIB::switchoverPreviousState.0 = INTEGER: reconnecting(4)",
                            "SWITCHOVER-MIB::switchoverReasonCause.0 = STRING: MODULE_DOWN",
                            "SWITCHOVER-MIB::switchoverGeneration.0 = Counter64: 7")
                    .hasSize(10);
            await().until(() -> notifier.counters().get(0).sent() == 2);
            assertThat(notifier.counters().get(0).failed()).isZero();
        }
    }

    @Test
    void v2c_splitBrainLost_winnerIsThePeer() throws Exception {
        try (Snmptrapd trapd =
                        Snmptrapd.start(
                                dir.resolve("trapd"), List.of("authCommunity log public-x"));
                SnmpNotifier notifier =
                        notifier(
                                ENGINE,
                                new SnmpReceiver.V2c(
                                        "127.0.0.1", trapd.port(), secret(dir, "public-x")))) {
            notifier.start();
            notifier.splitBrain(false, "peer node-b holds generation 9 > 8", 8);

            trapd.awaitLogged("switchoverSplitBrainLoser");
            assertThat(fields(trapd.traps().get(0)))
                    .containsSubsequence(
                            "SNMPv2-MIB::snmpTrapOID.0 = OID: SWITCHOVER-MIB::switchoverSplitBrain",
                            "SWITCHOVER-MIB::switchoverNodeName.0 = STRING: node-a",
                            "SWITCHOVER-MIB::switchoverPeerName.0 = STRING: node-b",
                            "SWITCHOVER-MIB::switchoverSplitBrainOutcome.0 = INTEGER: lost(2)",
                            "SWITCHOVER-MIB::switchoverSplitBrainWinner.0 = STRING: node-b",
                            "SWITCHOVER-MIB::switchoverSplitBrainLoser.0 = STRING: node-a",
                            "SWITCHOVER-MIB::switchoverReasonDetail.0 = STRING: peer node-b holds"
                                    + " generation 9 > 8",
                            "SWITCHOVER-MIB::switchoverGeneration.0 = Counter64: 8");
        }
    }

    @Test
    void v2c_wrongCommunity_notAccepted() throws Exception {
        try (Snmptrapd trapd =
                        Snmptrapd.start(
                                dir.resolve("trapd"), List.of("authCommunity log right-one"));
                SnmpNotifier wrong =
                        notifier(
                                ENGINE,
                                new SnmpReceiver.V2c(
                                        "127.0.0.1", trapd.port(), secret(dir, "wrong-one")));
                SnmpNotifier right =
                        notifier(
                                ENGINE,
                                new SnmpReceiver.V2c(
                                        "127.0.0.1", trapd.port(), secret(dir, "right-one")))) {
            wrong.start().transition(takeover(1, "sent with the wrong community"));
            await().until(() -> wrong.counters().get(0).sent() == 2);
            right.start().transition(takeover(2, "sent with the right community"));

            trapd.awaitLogged("sent with the right community");
            assertThat(trapd.log()).doesNotContain("sent with the wrong community");
        }
    }

    @ParameterizedTest
    @EnumSource(AuthProtocol.class)
    void v3AuthPriv_everyAuthProtocolWithAes128_accepted(AuthProtocol auth) throws Exception {
        try (Snmptrapd trapd =
                        Snmptrapd.start(
                                dir.resolve("trapd"),
                                List.of(
                                        createUser(ENGINE, auth, PrivProtocol.AES_128),
                                        "authUser log trapuser priv"));
                SnmpNotifier notifier =
                        notifier(ENGINE, v3(trapd.port(), auth, AUTH, PrivProtocol.AES_128))) {
            notifier.start();
            notifier.transition(takeover(11, "authPriv with " + auth.configName()));

            trapd.awaitLogged("switchoverSwitchedOver");
            assertThat(fields(trapd.traps().get(0)))
                    .containsSubsequence(
                            "SNMPv2-MIB::snmpTrapOID.0 = OID: SWITCHOVER-MIB::switchoverStateChanged",
                            "SWITCHOVER-MIB::switchoverNodeName.0 = STRING: node-a",
                            "SWITCHOVER-MIB::switchoverState.0 = INTEGER: primary(2)",
                            "SWITCHOVER-MIB::switchoverReasonDetail.0 = STRING: authPriv with "
                                    + auth.configName(),
                            "SWITCHOVER-MIB::switchoverGeneration.0 = Counter64: 11");
        }
    }

    @Test
    void v3AuthNoPriv_accepted() throws Exception {
        try (Snmptrapd trapd =
                        Snmptrapd.start(
                                dir.resolve("trapd"),
                                List.of(
                                        createUser(ENGINE, AuthProtocol.SHA_512, PrivProtocol.NONE),
                                        "authUser log trapuser auth"));
                SnmpNotifier notifier =
                        notifier(
                                ENGINE,
                                v3(trapd.port(), AuthProtocol.SHA_512, AUTH, PrivProtocol.NONE))) {
            notifier.start();
            notifier.transition(takeover(12, "authNoPriv with sha-512"));

            trapd.awaitLogged("STRING: authNoPriv with sha-512");
        }
    }

    @Test
    void v3_wrongAuthPassphrase_notAccepted() throws Exception {
        EngineId other = EngineIds.derive("test-pair", "node-b");
        try (Snmptrapd trapd =
                        Snmptrapd.start(
                                dir.resolve("trapd"),
                                List.of(
                                        createUser(
                                                ENGINE, AuthProtocol.SHA_256, PrivProtocol.AES_128),
                                        createUser(
                                                other, AuthProtocol.SHA_256, PrivProtocol.AES_128),
                                        "authUser log trapuser priv"));
                SnmpNotifier wrong =
                        notifier(
                                ENGINE,
                                v3(
                                        trapd.port(),
                                        AuthProtocol.SHA_256,
                                        "not-the-auth-passphrase",
                                        PrivProtocol.AES_128));
                SnmpNotifier right =
                        notifier(
                                other,
                                v3(
                                        trapd.port(),
                                        AuthProtocol.SHA_256,
                                        AUTH,
                                        PrivProtocol.AES_128))) {
            wrong.start().transition(takeover(1, "sent with the wrong passphrase"));
            await().until(() -> wrong.counters().get(0).sent() == 2);
            right.start().transition(takeover(2, "sent with the right passphrase"));

            trapd.awaitLogged("sent with the right passphrase");
            assertThat(trapd.log()).doesNotContain("sent with the wrong passphrase");
        }
    }

    /** The fields of one logged trap, split at snmptrapd's tabs. */
    static List<String> fields(String trap) {
        return List.of(trap.split("\t"));
    }
}
