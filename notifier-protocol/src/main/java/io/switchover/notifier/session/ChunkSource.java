package io.switchover.notifier.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.CompletionStage;

/**
 * Where an outgoing stream's data comes from. The connection pulls one chunk at a time, and only
 * when the receiver has granted credit and the socket can take more, so the sender never holds more
 * than one chunk of a stream in memory beyond what the socket buffers.
 */
public interface ChunkSource {
    /**
     * Reads the next chunk of at most {@code maxBytes} bytes (at least one byte), or completes with
     * {@code null} at the end of the data. A failed stage aborts the stream.
     */
    CompletionStage<ByteBuf> next(ByteBufAllocator alloc, int maxBytes);

    /** Called once when the stream has ended, successfully or not. */
    default void close() {}
}
