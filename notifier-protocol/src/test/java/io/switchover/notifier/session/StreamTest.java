package io.switchover.notifier.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchover.notifier.transport.TestPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Chunked streams with credit-based backpressure, over real loopback connections. */
class StreamTest {
    /** Deterministic pseudo-random bytes, produced on demand and counted. */
    static final class GeneratedSource implements ChunkSource {
        final long size;
        final Random random = new Random(7);
        final MessageDigest sha = sha256();
        final AtomicLong produced = new AtomicLong();
        volatile boolean closed;
        final long failAt;

        GeneratedSource(long size) {
            this(size, -1);
        }

        GeneratedSource(long size, long failAt) {
            this.size = size;
            this.failAt = failAt;
        }

        @Override
        public CompletionStage<ByteBuf> next(ByteBufAllocator alloc, int maxBytes) {
            long left = size - produced.get();
            if (failAt >= 0 && produced.get() >= failAt) {
                return CompletableFuture.failedFuture(new java.io.IOException("disk read error"));
            }
            if (left == 0) {
                return CompletableFuture.completedFuture(null);
            }
            byte[] bytes = new byte[(int) Math.min(maxBytes, left)];
            random.nextBytes(bytes);
            sha.update(bytes);
            produced.addAndGet(bytes.length);
            return CompletableFuture.completedFuture(alloc.buffer(bytes.length).writeBytes(bytes));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Hashes what it receives; answers with the hex SHA-256. */
    static class HashingReceiver implements StreamReceiver {
        final MessageDigest sha = sha256();
        final AtomicLong consumed = new AtomicLong();
        final CompletableFuture<String> aborted = new CompletableFuture<>();

        @Override
        public CompletionStage<Void> onChunk(ByteBuf data) {
            byte[] b = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), b);
            sha.update(b);
            consumed.addAndGet(b.length);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<byte[]> onEnd(long totalBytes) {
            return CompletableFuture.completedFuture(
                    HexFormat.of().formatHex(sha.digest()).getBytes());
        }

        @Override
        public void onAbort(String reason) {
            aborted.complete(reason);
        }
    }

    @Test
    void stream_64MiB_arrivesIntactAndReceiverResultComesBack() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            HashingReceiver receiver = new HashingReceiver();
            pair.clientHandlers.streams("files", (from, header) -> receiver);
            GeneratedSource source = new GeneratedSource(64L * 1024 * 1024 + 123);
            Outcome<byte[]> o =
                    pair.serverMain().stream(
                                    "files", "a/b.bin".getBytes(), source, Duration.ofSeconds(10))
                            .get(60, TimeUnit.SECONDS);
            assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
            assertThat(new String(((Outcome.Success<byte[]>) o).value()))
                    .isEqualTo(HexFormat.of().formatHex(source.sha.digest()));
            assertThat(receiver.consumed.get()).isEqualTo(source.size);
            assertThat(source.closed).isTrue();
            assertThat(pair.serverMain().pendingCount()).isZero();
            assertThat(pair.clientMain().pendingCount()).isZero();
        }
    }

    @Test
    void stream_emptyData_succeeds() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.clientHandlers.streams("files", (from, header) -> new HashingReceiver());
            Outcome<byte[]> o =
                    pair.serverMain().stream(
                                    "files",
                                    new byte[0],
                                    new GeneratedSource(0),
                                    Duration.ofSeconds(5))
                            .get(10, TimeUnit.SECONDS);
            assertThat(o.isSuccess()).isTrue();
        }
    }

    @Test
    void stream_slowReceiver_senderNeverRunsMoreThanTheWindowAhead() throws Exception {
        int window = 256 * 1024;
        int chunk = 16 * 1024;
        try (TestPair pair =
                new TestPair(
                                b -> b.streamWindowBytes(window).streamChunkBytes(chunk),
                                b -> b.streamWindowBytes(window).streamChunkBytes(chunk))
                        .connect()) {
            record Parked(CompletableFuture<Void> done, long bytes) {}
            ConcurrentLinkedQueue<Parked> parked = new ConcurrentLinkedQueue<>();
            AtomicLong consumed = new AtomicLong();
            pair.clientHandlers.streams(
                    "files",
                    (from, header) ->
                            new HashingReceiver() {
                                @Override
                                public CompletionStage<Void> onChunk(ByteBuf data) {
                                    super.onChunk(data);
                                    CompletableFuture<Void> done = new CompletableFuture<>();
                                    parked.add(new Parked(done, data.readableBytes()));
                                    return done;
                                }
                            });
            long size = 8L * 1024 * 1024;
            GeneratedSource source = new GeneratedSource(size);
            var result =
                    pair.serverMain().stream("files", new byte[0], source, Duration.ofSeconds(30));
            long maxAhead = 0;
            // The receiver consumes one chunk at a time; the sender may never have produced more
            // than the window beyond what was consumed.
            while (!result.isDone()) {
                Parked next = parked.poll();
                if (next == null) {
                    Thread.onSpinWait();
                    continue;
                }
                long ahead = source.produced.get() - consumed.get();
                maxAhead = Math.max(maxAhead, ahead);
                assertThat(ahead).isLessThanOrEqualTo(window);
                consumed.addAndGet(next.bytes());
                next.done().complete(null);
            }
            assertThat(result.get().isSuccess()).isTrue();
            assertThat(consumed.get()).isEqualTo(size);
            // The window was actually used: the test would not notice backpressure otherwise.
            assertThat(maxAhead).isGreaterThan(window / 2);
        }
    }

    @Test
    void stream_noHandlerForTopic_rejected() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            Outcome<byte[]> o =
                    pair.serverMain().stream(
                                    "nope",
                                    new byte[0],
                                    new GeneratedSource(10),
                                    Duration.ofSeconds(5))
                            .get(10, TimeUnit.SECONDS);
            assertThat(((Outcome.Rejected<byte[]>) o).reason())
                    .isEqualTo("no stream handler for topic 'nope' on node-b");
        }
    }

    @Test
    void stream_receiverRefusesAtOpen_rejectedWithItsReason() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.clientHandlers.streams(
                    "files",
                    (from, header) -> {
                        throw new RejectedException("path '../etc/passwd' escapes the mirror root");
                    });
            Outcome<byte[]> o =
                    pair.serverMain().stream(
                                    "files",
                                    new byte[0],
                                    new GeneratedSource(10),
                                    Duration.ofSeconds(5))
                            .get(10, TimeUnit.SECONDS);
            assertThat(((Outcome.Rejected<byte[]>) o).reason())
                    .isEqualTo("path '../etc/passwd' escapes the mirror root");
        }
    }

    @Test
    void stream_receiverFailsMidway_senderRejectedAndStops() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            AtomicLong seen = new AtomicLong();
            pair.clientHandlers.streams(
                    "files",
                    (from, header) ->
                            new HashingReceiver() {
                                @Override
                                public CompletionStage<Void> onChunk(ByteBuf data) {
                                    if (seen.addAndGet(data.readableBytes()) > 1024 * 1024) {
                                        return CompletableFuture.failedFuture(
                                                new RejectedException("no space left on device"));
                                    }
                                    return super.onChunk(data);
                                }
                            });
            GeneratedSource source = new GeneratedSource(64L * 1024 * 1024);
            Outcome<byte[]> o =
                    pair.serverMain().stream("files", new byte[0], source, Duration.ofSeconds(5))
                            .get(10, TimeUnit.SECONDS);
            assertThat(((Outcome.Rejected<byte[]>) o).reason())
                    .isEqualTo("receiver cancelled: no space left on device");
            assertThat(source.produced.get()).isLessThan(8L * 1024 * 1024);
            await().until(() -> pair.clientMain().pendingCount() == 0);
        }
    }

    @Test
    void stream_sourceFails_cancelledAndReceiverAborted() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            HashingReceiver receiver = new HashingReceiver();
            pair.clientHandlers.streams("files", (from, header) -> receiver);
            Outcome<byte[]> o =
                    pair.serverMain().stream(
                                    "files",
                                    new byte[0],
                                    new GeneratedSource(10L * 1024 * 1024, 2L * 1024 * 1024),
                                    Duration.ofSeconds(5))
                            .get(10, TimeUnit.SECONDS);
            assertThat(o.kind()).isEqualTo(Outcome.Kind.CANCELLED);
            assertThat(((Outcome.Cancelled<byte[]>) o).reason()).contains("disk read error");
            assertThat(receiver.aborted.get(5, TimeUnit.SECONDS))
                    .startsWith("sender aborted: source failed")
                    .contains("disk read error");
        }
    }

    @Test
    void stream_connectionLostMidway_connectionLossAndReceiverAborted() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            CompletableFuture<Void> never = new CompletableFuture<>();
            HashingReceiver receiver =
                    new HashingReceiver() {
                        @Override
                        public CompletionStage<Void> onChunk(ByteBuf data) {
                            return never;
                        }
                    };
            pair.clientHandlers.streams("files", (from, header) -> receiver);
            var result =
                    pair.serverMain().stream(
                            "files",
                            new byte[0],
                            new GeneratedSource(1L << 30),
                            Duration.ofSeconds(30));
            await().until(() -> pair.clientMain().pendingCount() == 1);
            pair.clientMain().close(io.switchover.notifier.frame.CloseReason.IO_ERROR, "test");
            assertThat(result.get(5, TimeUnit.SECONDS).kind())
                    .isEqualTo(Outcome.Kind.CONNECTION_LOSS);
            assertThat(receiver.aborted.get(5, TimeUnit.SECONDS)).startsWith("connection closed");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
