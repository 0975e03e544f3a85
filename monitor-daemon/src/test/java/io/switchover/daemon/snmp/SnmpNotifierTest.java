package io.switchover.daemon.snmp;

import static io.switchover.daemon.snmp.SnmptrapdReceivesTest.ENGINE;
import static io.switchover.daemon.snmp.SnmptrapdReceivesTest.secret;
import static io.switchover.daemon.snmp.SnmptrapdReceivesTest.takeover;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier's queue and counters, against a real snmptrapd: a full queue drops its oldest traps
 * and counts them for every receiver, a receiver whose host does not resolve counts failures and
 * does not hold back the others, and a close sends what is queued.
 */
class SnmpNotifierTest {

    @TempDir Path dir;

    @BeforeAll
    static void netSnmp() {
        Optional<String> missing = NetSnmp.missing();
        assumeTrue(missing.isEmpty(), missing.orElse(""));
    }

    private static Transition backupToReconnecting(long generation) {
        return new Transition(
                generation,
                State.BACKUP,
                State.RECONNECTING,
                Reason.of(Reason.Cause.NOTIFIER_PING_FAILED, "event " + generation),
                generation,
                0);
    }

    @Test
    void queueFull_oldestDroppedAndCountedForEveryReceiver_newestSent() throws Exception {
        try (Snmptrapd trapd =
                        Snmptrapd.start(
                                dir.resolve("trapd"), List.of("authCommunity log queue-test"));
                SnmpNotifier notifier =
                        new SnmpNotifier(
                                SnmptrapdReceivesTest.TRAPS,
                                new SnmpSettings(
                                        Optional.empty(),
                                        3,
                                        List.of(
                                                new SnmpReceiver.V2c(
                                                        "127.0.0.1",
                                                        trapd.port(),
                                                        secret(dir, "queue-test")),
                                                new SnmpReceiver.V2c(
                                                        "127.0.0.1",
                                                        trapd.port(),
                                                        secret(dir, "queue-test")))),
                                ENGINE,
                                1)) {
            // Not started yet: the sender is as slow as it gets.
            for (int g = 1; g <= 5; g++) {
                notifier.transition(backupToReconnecting(g));
            }

            assertThat(notifier.queued()).isEqualTo(3);
            for (SnmpNotifier.ReceiverCounters c : notifier.counters()) {
                assertThat(c.dropped()).isEqualTo(2);
                assertThat(c.sent()).isZero();
            }

            notifier.start();
            await().until(() -> notifier.counters().stream().allMatch(c -> c.sent() == 3));
            // Two receivers at one address: each of the three newest traps arrives twice.
            await().atMost(Snmptrapd.WAIT).until(() -> trapd.traps().size() == 6);
            String log = trapd.log();
            assertThat(log).doesNotContain("STRING: event 1\t").doesNotContain("STRING: event 2\t");
            assertThat(log).contains("STRING: event 3\t", "STRING: event 4\t", "STRING: event 5\t");
            assertThat(notifier.queued()).isZero();
        }
    }

    @Test
    void unresolvableReceiver_failureCounted_otherReceiverStillGetsTheTrap() throws Exception {
        try (Snmptrapd trapd =
                        Snmptrapd.start(dir.resolve("trapd"), List.of("authCommunity log two"));
                SnmpNotifier notifier =
                        new SnmpNotifier(
                                SnmptrapdReceivesTest.TRAPS,
                                new SnmpSettings(
                                        Optional.empty(),
                                        10,
                                        List.of(
                                                new SnmpReceiver.V2c(
                                                        "no-such-host.invalid",
                                                        162,
                                                        secret(dir, "two")),
                                                new SnmpReceiver.V2c(
                                                        "127.0.0.1",
                                                        trapd.port(),
                                                        secret(dir, "two")))),
                                ENGINE,
                                1)) {
            notifier.start().transition(takeover(5, "one receiver of two resolves"));

            trapd.awaitLogged("STRING: one receiver of two resolves");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> notifier.counters().get(0).failed() == 2);
            assertThat(notifier.counters().get(0).sent()).isZero();
            assertThat(notifier.counters().get(1).sent()).isEqualTo(2);

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> receivers =
                    (List<Map<String, Object>>) notifier.status().get("receivers");
            assertThat(receivers.get(0))
                    .containsEntry("receiver", "no-such-host.invalid:162")
                    .containsEntry("version", "v2c")
                    .containsEntry("failed", 2L)
                    .containsEntry("sent", 0L);
            assertThat((String) receivers.get(0).get("lastError"))
                    .contains("cannot resolve no-such-host.invalid");
            assertThat(receivers.get(1)).containsEntry("sent", 2L).containsEntry("dropped", 0L);
        }
    }

    @Test
    void close_sendsWhatIsQueuedThenStopsTakingEvents() throws Exception {
        try (Snmptrapd trapd =
                Snmptrapd.start(dir.resolve("trapd"), List.of("authCommunity log closing"))) {
            SnmpNotifier notifier =
                    new SnmpNotifier(
                            SnmptrapdReceivesTest.TRAPS,
                            new SnmpSettings(
                                    Optional.empty(),
                                    10,
                                    List.of(
                                            new SnmpReceiver.V2c(
                                                    "127.0.0.1",
                                                    trapd.port(),
                                                    secret(dir, "closing")))),
                            ENGINE,
                            1);
            notifier.start();
            notifier.transition(
                    new Transition(
                            9,
                            State.PRIMARY,
                            State.STOPPED,
                            Reason.of(Reason.Cause.SHUTDOWN, "switchoverd is shutting down"),
                            4,
                            0));
            notifier.close();
            notifier.transition(backupToReconnecting(99));

            trapd.awaitLogged("INTEGER: stopped(8)");
            assertThat(notifier.counters().get(0).sent()).isEqualTo(1);
            assertThat(notifier.queued()).isZero();
        }
    }
}
