package io.switchover.notifier.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.message.Message;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.StreamReceiver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input over real sockets: each bad connection is closed within a bounded time with its reason
 * counted and told to the peer, while the established pair keeps working.
 */
class BadInputTest {
    TestPair pair;

    @BeforeEach
    void start() throws Exception {
        pair = new TestPair().connect();
    }

    @AfterEach
    void stop() {
        pair.close();
    }

    /**
     * Sends {@code bytes}, expects a goodbye with {@code reason} and a close, and a healthy pair.
     */
    private void expectClosed(byte[] bytes, CloseReason reason) throws Exception {
        try (RawPeer raw = new RawPeer(pair.address)) {
            raw.sendBytes(bytes);
            expectClosed(raw, reason);
        }
    }

    private void expectClosed(RawPeer raw, CloseReason reason) throws Exception {
        long start = System.nanoTime();
        Message.Goodbye goodbye = raw.readUntilClosed();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(goodbye).as("goodbye sent before closing").isNotNull();
        assertThat(goodbye.reason()).isEqualTo(reason.code());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> pair.server.stats().closedLocally(reason) >= 1);
        assertPairHealthy();
    }

    private void assertPairHealthy() throws Exception {
        for (ConnectionKind kind : ConnectionKind.values()) {
            assertThat(pair.client.ping(kind, Duration.ofSeconds(2)).get().isSuccess()).isTrue();
        }
    }

    static byte[] header(int length, int version, int type) {
        return ByteBuffer.allocate(16)
                .putInt(length)
                .put((byte) version)
                .put((byte) type)
                .putShort((short) 0)
                .putLong(1)
                .array();
    }

    @Test
    void garbageBytes_closedAndPairUnaffected() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        try (RawPeer raw = new RawPeer(pair.address)) {
            raw.sendBytes(garbage);
            Message.Goodbye goodbye = raw.readUntilClosed();
            assertThat(goodbye).isNotNull();
            assertThat(CloseReason.fromCode(goodbye.reason()))
                    .isIn(
                            CloseReason.FRAME_TOO_LARGE,
                            CloseReason.FRAME_TOO_SHORT,
                            CloseReason.UNSUPPORTED_VERSION);
        }
        assertPairHealthy();
    }

    @Test
    void oversizeLengthBeforeAuthentication_frameTooLarge() throws Exception {
        expectClosed(header(65 * 1024, 1, 0x01), CloseReason.FRAME_TOO_LARGE);
    }

    @Test
    void oversizeLengthAfterAuthentication_frameTooLarge() throws Exception {
        try (RawPeer raw = new RawPeer(pair.address).handshake()) {
            raw.sendBytes(header(16 * 1024 * 1024 + 1, 1, 0x32));
            expectClosed(raw, CloseReason.FRAME_TOO_LARGE);
        }
    }

    @Test
    void frameOfTheNextProtocolVersion_unsupportedVersion() throws Exception {
        expectClosed(header(12, 2, 0x04), CloseReason.UNSUPPORTED_VERSION);
    }

    @Test
    void unknownMessageType_unknownMessageType() throws Exception {
        expectClosed(
                java.util.Arrays.copyOf(header(12, 1, 0x7e), 16), CloseReason.UNKNOWN_MESSAGE_TYPE);
    }

    @Test
    void pingBeforeHandshake_notAuthenticated() throws Exception {
        try (RawPeer raw = new RawPeer(pair.address)) {
            raw.send(new Message.Ping(1));
            expectClosed(raw, CloseReason.NOT_AUTHENTICATED);
        }
    }

    @Test
    void helloOfAnotherProtocolVersion_protocolMismatch() throws Exception {
        try (RawPeer raw = new RawPeer(pair.address)) {
            raw.send(
                    new Message.Hello(
                            "test-cluster",
                            "node-c",
                            "9.0",
                            2,
                            "BACKUP",
                            0L,
                            "main",
                            List.of(),
                            new byte[32],
                            "hmac-sha256",
                            null));
            expectClosed(raw, CloseReason.PROTOCOL_MISMATCH);
        }
    }

    @Test
    void halfAFrameThenStallBeforeHandshake_handshakeTimeout() throws Exception {
        try (RawPeer raw = new RawPeer(pair.address)) {
            raw.sendBytes(
                    java.util.Arrays.copyOf(header(100, 1, 0x01), 20)); // 8 of 100 payload bytes
            expectClosed(raw, CloseReason.HANDSHAKE_TIMEOUT);
        }
    }

    @Test
    void halfAFrameThenStallAfterHandshake_peerStalled() throws Exception {
        try (RawPeer raw = new RawPeer(pair.address).handshake()) {
            raw.sendBytes(java.util.Arrays.copyOf(header(1000, 1, 0x12), 30));
            expectClosed(raw, CloseReason.PEER_STALLED);
        }
    }

    @Test
    void truncatedFrameThenDisconnect_connectionClosedWithoutHarm() throws Exception {
        try (RawPeer raw = new RawPeer(pair.address)) {
            raw.sendBytes(java.util.Arrays.copyOf(header(100, 1, 0x01), 10));
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> pair.server.stats().closedLocally(CloseReason.CONNECTION_CLOSED) >= 1);
        assertPairHealthy();
    }

    @Test
    void helloTwice_protocolViolation() throws Exception {
        try (RawPeer raw = new RawPeer(pair.address).handshake()) {
            raw.send(
                    new Message.Hello(
                            "test-cluster",
                            "node-b",
                            "1.0.0",
                            1,
                            "BACKUP",
                            7L,
                            "main",
                            List.of(),
                            new byte[32],
                            "hmac-sha256",
                            null));
            expectClosed(raw, CloseReason.PROTOCOL_VIOLATION);
        }
    }

    @Test
    void streamChunkBeyondGrantedCredit_protocolViolation() throws Exception {
        pair.serverHandlers.streams("files", (from, header) -> new NullReceiver());
        try (RawPeer raw = new RawPeer(pair.address).handshake()) {
            raw.send(new Message.StreamOpen(5, "files", new byte[0]));
            Message.StreamCredit credit = (Message.StreamCredit) raw.read();
            raw.send(
                    new Message.StreamChunk(
                            5, Unpooled.wrappedBuffer(new byte[credit.bytes() + 1])));
            expectClosed(raw, CloseReason.PROTOCOL_VIOLATION);
        }
    }

    @Test
    void streamEndWithWrongChecksum_rejectedAndReceiverAborted() throws Exception {
        NullReceiver receiver = new NullReceiver();
        pair.serverHandlers.streams("files", (from, header) -> receiver);
        try (RawPeer raw = new RawPeer(pair.address).handshake()) {
            raw.send(new Message.StreamOpen(5, "files", new byte[0]));
            raw.read();
            raw.send(new Message.StreamChunk(5, Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
            raw.send(new Message.StreamEnd(5, 3, 0x12345678));
            Message m = raw.read();
            while (m instanceof Message.StreamCredit) {
                m = raw.read();
            }
            assertThat(m).as("reply to the stream").isInstanceOf(Message.Reply.class);
            Message.Reply reply = (Message.Reply) m;
            assertThat(reply.status()).isEqualTo(Message.ReplyStatus.REJECTED);
            assertThat(reply.rejectionReason())
                    .contains("stream check failed")
                    .contains("12345678");
            await().until(() -> receiver.aborted.isDone());
            assertThat(receiver.aborted.get()).contains("stream check failed");
        }
        assertPairHealthy();
    }

    @Test
    void manyBadConnectionsAtOnce_allClosedAndPairStillAnswers() throws Exception {
        List<RawPeer> peers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawPeer raw = new RawPeer(pair.address);
                raw.sendBytes(java.util.Arrays.copyOf(header(60_000, 1, 0x01), 1000));
                peers.add(raw);
            }
            assertPairHealthy();
            for (RawPeer raw : peers) {
                assertThat(raw.readUntilClosed()).isNotNull();
            }
        } finally {
            for (RawPeer raw : peers) {
                raw.close();
            }
        }
        assertPairHealthy();
    }

    static final class NullReceiver implements StreamReceiver {
        final CompletableFuture<String> aborted = new CompletableFuture<>();

        @Override
        public CompletionStage<Void> onChunk(io.netty.buffer.ByteBuf data) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<byte[]> onEnd(long totalBytes) {
            return CompletableFuture.completedFuture(new byte[0]);
        }

        @Override
        public void onAbort(String reason) {
            aborted.complete(reason);
        }
    }
}
