package io.switchover.daemon.snmp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Traps as a real Net-SNMP snmptrapd receives and logs them, with SWITCHOVER-MIB loaded. */
class SnmptrapdReceivesTest {

    @TempDir Path dir;

    @BeforeAll
    static void netSnmp() {
        Optional<String> missing = NetSnmp.missing();
        assumeTrue(missing.isEmpty(), missing.orElse(""));
    }

    @Test
    void v2c_stateChanged_loggedWithNames() throws Exception {
        try (Snmptrapd trapd =
                        Snmptrapd.start(
                                dir.resolve("trapd"),
                                List.of("authCommunity log s3cret-community"));
                SnmpNotifier notifier =
                        new SnmpNotifier(
                                new Traps("node-a", "test-pair", "node-b"),
                                new SnmpSettings(
                                        Optional.empty(),
                                        10,
                                        List.of(
                                                new SnmpReceiver.V2c(
                                                        "127.0.0.1",
                                                        trapd.port(),
                                                        new Passphrase(
                                                                dir.resolve("community"),
                                                                "s3cret-community"
                                                                        .getBytes(
                                                                                StandardCharsets
                                                                                        .US_ASCII))))),
                                EngineIds.derive("test-pair", "node-a"),
                                1)) {
            notifier.start();
            notifier.transition(
                    new Transition(
                            3,
                            State.RECONNECTING,
                            State.PRIMARY,
                            Reason.of(
                                    Reason.Cause.MODULE_DOWN, "module test-app down: ping refused"),
                            7,
                            0));
            String log = trapd.awaitLogged("switchoverSwitchedOver");
            System.out.println(log);
        }
    }
}
