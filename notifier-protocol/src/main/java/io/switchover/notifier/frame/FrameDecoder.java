package io.switchover.notifier.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the inbound byte stream into {@link Frame}s.
 *
 * <p>The length and version are checked as soon as their bytes are present, before the frame's
 * bytes are awaited, so a bad length never makes this node buffer more than the connection's
 * current maximum. The maximum starts at {@link Frame#PRE_AUTH_MAX_FRAME_LENGTH} and is raised by
 * the handshake once the peer is authenticated.
 *
 * <p>After the first violation the decoder discards everything else the peer sends: the connection
 * is being closed and nothing more from it may be interpreted.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private int maxFrameLength;
    private boolean failed;

    public FrameDecoder(int maxFrameLength) {
        this.maxFrameLength = requireValidMax(maxFrameLength);
    }

    /** Changes the maximum frame length; called on the channel's event loop. */
    public void maxFrameLength(int maxFrameLength) {
        this.maxFrameLength = requireValidMax(maxFrameLength);
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // One frame per call: ByteToMessageDecoder passes each frame down the pipeline before
        // calling again, so a handshake that completes on this frame raises the limit before
        // the next frame's length is checked.
        if (!failed && in.readableBytes() >= Frame.LENGTH_FIELD_BYTES) {
            int start = in.readerIndex();
            long length = in.getUnsignedInt(start);
            checkLength(in, length);
            if (in.readableBytes() > Frame.LENGTH_FIELD_BYTES) {
                checkVersion(in, in.getUnsignedByte(start + Frame.LENGTH_FIELD_BYTES));
            }
            if (in.readableBytes() < Frame.LENGTH_FIELD_BYTES + length) {
                return;
            }
            in.skipBytes(Frame.LENGTH_FIELD_BYTES);
            int version = in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedShort();
            long correlationId = in.readLong();
            ByteBuf payload = in.readRetainedSlice((int) length - Frame.HEADER_BYTES);
            out.add(new Frame(version, type, flags, correlationId, payload));
            return;
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void checkLength(ByteBuf in, long length) {
        if (length < Frame.HEADER_BYTES) {
            throw fail(
                    in,
                    CloseReason.FRAME_TOO_SHORT,
                    "frame length "
                            + length
                            + " is shorter than the "
                            + Frame.HEADER_BYTES
                            + "-byte header");
        }
        if (length > maxFrameLength) {
            throw fail(
                    in,
                    CloseReason.FRAME_TOO_LARGE,
                    "frame length "
                            + length
                            + " exceeds the maximum of "
                            + maxFrameLength
                            + " bytes");
        }
    }

    private void checkVersion(ByteBuf in, int version) {
        if (version != Frame.PROTOCOL_VERSION) {
            throw fail(
                    in,
                    CloseReason.UNSUPPORTED_VERSION,
                    "frame protocol version "
                            + version
                            + ", this node speaks version "
                            + Frame.PROTOCOL_VERSION);
        }
    }

    private ProtocolException fail(ByteBuf in, CloseReason reason, String detail) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return new ProtocolException(reason, detail);
    }

    private static int requireValidMax(int max) {
        if (max < Frame.HEADER_BYTES) {
            throw new IllegalArgumentException(
                    "maximum frame length must be at least " + Frame.HEADER_BYTES + ", was " + max);
        }
        return max;
    }
}
