package io.switchover.notifier.session;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * Receives one incoming stream. Calls come on the connection's event loop, one at a time and in
 * order: {@link #onChunk} is not called again until the previous stage completes, and credit for a
 * chunk is returned to the sender only then, which is how a slow receiver slows the sender.
 */
public interface StreamReceiver {
    /**
     * Consumes a chunk. {@code data} is valid until the returned stage completes; the connection
     * releases it then. A failed stage cancels the stream with the failure's message.
     */
    CompletionStage<Void> onChunk(ByteBuf data);

    /**
     * All data arrived and its length and CRC-32C checked out. The stage's value is sent back to
     * the sender as the stream's result; a failed stage rejects the stream.
     */
    CompletionStage<byte[]> onEnd(long totalBytes);

    /** The stream ended without success (sender abort, checksum mismatch, connection loss). */
    void onAbort(String reason);
}
