package io.switchover.notifier.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.transport.TestPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One-way notifications with sequence numbers and cumulative acknowledgements. */
class NotificationTest {
    @Test
    void notify_receiverAcksAfterPersisting_eachSendSucceedsInOrder() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            List<Long> received = new CopyOnWriteArrayList<>();
            pair.clientHandlers.notifications(
                    "registry",
                    (from, seq, body, ack) -> {
                        received.add(seq);
                        ack.ack();
                    });
            // The primary (accepting side) pushes changes to the backup over the backup's
            // connection.
            PeerConnection toBackup = pair.serverMain();
            List<CompletableFuture<Outcome<Void>>> sends = new ArrayList<>();
            for (long seq = 1; seq <= 1000; seq++) {
                sends.add(
                        toBackup.notify(
                                "registry", seq, new byte[] {(byte) seq}, Duration.ofSeconds(5)));
            }
            for (var s : sends) {
                assertThat(s.get(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            }
            assertThat(received).hasSize(1000).isSorted();
            assertThat(toBackup.pendingCount()).isZero();
        }
    }

    @Test
    void notifyAck_isCumulative_oneAckCompletesEveryEarlierSend() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            List<PeerHandlers.Acknowledger> acks = new CopyOnWriteArrayList<>();
            pair.clientHandlers.notifications("t", (from, seq, body, ack) -> acks.add(ack));
            PeerConnection toBackup = pair.serverMain();
            var first = toBackup.notify("t", 10, new byte[0], Duration.ofSeconds(5));
            var second = toBackup.notify("t", 20, new byte[0], Duration.ofSeconds(5));
            var third = toBackup.notify("t", 30, new byte[0], Duration.ofSeconds(5));
            await().until(() -> acks.size() == 3);
            acks.get(1).ack(); // acknowledges 20, and with it 10
            assertThat(first.get(5, TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(second.get(5, TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(third).isNotDone();
            assertThat(toBackup.pendingCount()).isEqualTo(1);
            acks.get(2).ack();
            assertThat(third.get(5, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
    }

    @Test
    void notify_sequenceNotAboveLast_rejectedLocallyWithoutSending() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.clientHandlers.notifications("t", (from, seq, body, ack) -> ack.ack());
            PeerConnection c = pair.serverMain();
            assertThat(c.notify("t", 5, new byte[0], Duration.ofSeconds(5)).get().isSuccess())
                    .isTrue();
            Outcome<Void> again = c.notify("t", 5, new byte[0], Duration.ofSeconds(5)).get();
            assertThat(((Outcome.Rejected<Void>) again).reason())
                    .isEqualTo("sequence number 5 is not above 5, the last one sent on topic 't'");
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void notify_neverAcknowledged_timesOut() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.clientHandlers.notifications("t", (from, seq, body, ack) -> {});
            Outcome<Void> o =
                    pair.serverMain().notify("t", 1, new byte[0], Duration.ofMillis(200)).get();
            assertThat(o.kind()).isEqualTo(Outcome.Kind.TIMEOUT);
            assertThat(pair.serverMain().pendingCount()).isZero();
        }
    }

    @Test
    void notify_connectionLostBeforeAck_connectionLoss() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.clientHandlers.notifications("t", (from, seq, body, ack) -> {});
            PeerConnection c = pair.serverMain();
            var pending = c.notify("t", 1, new byte[0], Duration.ofSeconds(30));
            pair.clientMain().close(CloseReason.IO_ERROR, "test");
            assertThat(pending.get(5, TimeUnit.SECONDS).kind())
                    .isEqualTo(Outcome.Kind.CONNECTION_LOSS);
            assertThat(c.pendingCount()).isZero();
        }
    }
}
