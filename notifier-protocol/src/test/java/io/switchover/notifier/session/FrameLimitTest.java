package io.switchover.notifier.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.notifier.transport.TestPair;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Frame limits: raised after authentication, and honoured on send. */
class FrameLimitTest {
    @Test
    void largeMessageRightAfterTheHandshake_acceptedOnceAuthenticated() throws Exception {
        // The accepting side sends a 1 MiB request in the same instant the connection is
        // established: it may reach the connecting side in the same read as the final AUTH.
        try (TestPair pair = new TestPair()) {
            CompletableFuture<Outcome<byte[]>> first = new CompletableFuture<>();
            pair.clientHandlers.request(
                    "big",
                    (from, body) ->
                            CompletableFuture.completedFuture(new byte[] {(byte) body.length}));
            pair.server.close();
            TestPair.Recorder pushFirst =
                    new TestPair.Recorder() {
                        @Override
                        public void established(PeerConnection connection) {
                            super.established(connection);
                            if (connection.kind() == ConnectionKind.MAIN) {
                                connection
                                        .request("big", new byte[1 << 20], Duration.ofSeconds(5))
                                        .thenAccept(first::complete);
                            }
                        }
                    };
            var server =
                    new io.switchover.notifier.transport.NotifierServer(
                            TestPair.defaults("node-a").build(),
                            pair.serverHandlers,
                            () -> pair.serverStatus,
                            pushFirst,
                            pair.group);
            try {
                server.bind(pair.address);
                pair.client.start();
                Outcome<byte[]> o = first.get();
                assertThat(o.isSuccess()).as("%s", o).isTrue();
            } finally {
                server.close();
            }
        }
    }

    @Test
    void requestAbovePeersLimit_rejectedLocallyAndConnectionStaysUp() throws Exception {
        try (TestPair pair = new TestPair(b -> b.maxFrameLength(128 * 1024), b -> b).connect()) {
            Outcome<byte[]> o =
                    pair.clientMain()
                            .request("x", new byte[200 * 1024], Duration.ofSeconds(2))
                            .get();
            assertThat(((Outcome.Rejected<byte[]>) o).reason())
                    .contains("exceeds the maximum frame length of 131072 that node-a accepts");
            assertThat(pair.clientMain().ping(Duration.ofSeconds(2)).get().isSuccess()).isTrue();
        }
    }

    @Test
    void replyAbovePeersLimit_rejectedInsteadOfSent() throws Exception {
        try (TestPair pair = new TestPair(b -> b, b -> b.maxFrameLength(128 * 1024)).connect()) {
            pair.serverHandlers.request(
                    "dump",
                    (from, body) -> CompletableFuture.completedFuture(new byte[256 * 1024]));
            Outcome<byte[]> o =
                    pair.clientMain().request("dump", new byte[0], Duration.ofSeconds(2)).get();
            assertThat(((Outcome.Rejected<byte[]>) o).reason()).startsWith("reply of ");
            assertThat(pair.clientMain().isOpen()).isTrue();
        }
    }
}
