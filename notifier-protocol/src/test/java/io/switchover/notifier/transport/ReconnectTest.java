package io.switchover.notifier.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.PeerHandlers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The connecting side's per-connection state, events and reconnection. */
class ReconnectTest {
    @Test
    void client_serverRestartsOnTheSamePort_bothConnectionsComeBackWithEvents() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            assertThat(pair.clientEvents.established).hasSize(2);
            pair.server.close();
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    !pair.client.isConnected(ConnectionKind.MAIN)
                                            && !pair.client.isConnected(ConnectionKind.AUX));
            assertThat(pair.clientEvents.lost)
                    .hasSize(2)
                    .allSatisfy(l -> assertThat(l).contains("shutdown"));

            NotifierServer restarted =
                    new NotifierServer(
                            TestPair.defaults("node-a").build(),
                            new PeerHandlers(),
                            () -> new NodeStatus("PRIMARY", 8),
                            new TestPair.Recorder(),
                            pair.group);
            try {
                restarted.bind(pair.address);
                await().atMost(Duration.ofSeconds(10))
                        .until(
                                () ->
                                        pair.client.isConnected(ConnectionKind.MAIN)
                                                && pair.client.isConnected(ConnectionKind.AUX));
                assertThat(pair.clientEvents.established).hasSize(4);
                assertThat(pair.clientMain().peer().generation()).isEqualTo(8);
            } finally {
                restarted.close();
            }
        }
    }

    @Test
    void client_oneConnectionDrops_onlyThatOneIsDownUntilReconnected() throws Exception {
        try (TestPair pair =
                new TestPair(
                                b -> b,
                                b ->
                                        b.reconnect(
                                                new Backoff(
                                                        Duration.ofMillis(500),
                                                        Duration.ofMillis(500))))
                        .connect()) {
            pair.server
                    .connection("node-b", ConnectionKind.AUX)
                    .orElseThrow()
                    .close(io.switchover.notifier.frame.CloseReason.IO_ERROR, "test drops aux");
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> !pair.client.isConnected(ConnectionKind.AUX));
            assertThat(pair.client.isConnected(ConnectionKind.MAIN)).isTrue();
            assertThat(
                            pair.client
                                    .ping(ConnectionKind.MAIN, Duration.ofSeconds(1))
                                    .get()
                                    .isSuccess())
                    .isTrue();
            assertThat(pair.client.ping(ConnectionKind.AUX, Duration.ofSeconds(1)).get().kind())
                    .isEqualTo(io.switchover.notifier.session.Outcome.Kind.CONNECTION_LOSS);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> pair.client.isConnected(ConnectionKind.AUX));
        }
    }

    @Test
    void client_nothingListening_retriesNeitherFasterNorSlowerThanTheBackoff() throws Exception {
        try (TestPair pair = new TestPair()) {
            pair.server.close();
            long start = System.nanoTime();
            pair.client.start();
            // Backoff 20 ms doubling to a 200 ms cap, jitter in [nominal/2, nominal]: ten attempts
            // per connection take at least 10+20+40+80+6*100 = 750 ms, and at most about 1.5 s.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> pair.clientEvents.failed.size() >= 20);
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).isGreaterThanOrEqualTo(700);
            assertThat(pair.client.isConnected(ConnectionKind.MAIN)).isFalse();
            assertThat(pair.clientEvents.failed)
                    .allSatisfy(f -> assertThat(f.detail()).startsWith("connect failed"));
        }
    }
}
