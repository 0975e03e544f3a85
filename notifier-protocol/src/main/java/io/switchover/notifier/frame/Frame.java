package io.switchover.notifier.frame;

import io.netty.buffer.ByteBuf;

/**
 * One frame as it came off the wire: the fixed header fields and the payload, not yet interpreted.
 *
 * <pre>
 *  0               4       5       6               8                              16
 *  +---------------+-------+-------+---------------+------------------------------+----------+
 *  | length (u32)  | vers. | type  | flags (u16)   | correlation id (i64)         | payload  |
 *  +---------------+-------+-------+---------------+------------------------------+----------+
 *   length = number of bytes after the length field = 12 + payload length (big-endian)
 * </pre>
 *
 * <p>The frame owns {@code payload}: whoever consumes the frame releases it.
 */
public record Frame(int version, int type, int flags, long correlationId, ByteBuf payload) {

    /** Size of the length field that precedes every frame. */
    public static final int LENGTH_FIELD_BYTES = 4;

    /** Size of the header that follows the length field: version, type, flags, correlation id. */
    public static final int HEADER_BYTES = 12;

    /** The only protocol version this release speaks. */
    public static final int PROTOCOL_VERSION = 1;

    /** Default maximum of the length field once a connection is authenticated: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

    /**
     * Maximum of the length field before authentication completes: a stranger can make a node
     * buffer at most this much.
     */
    public static final int PRE_AUTH_MAX_FRAME_LENGTH = 64 * 1024;

    /** Releases the payload. */
    public void release() {
        payload.release();
    }
}
