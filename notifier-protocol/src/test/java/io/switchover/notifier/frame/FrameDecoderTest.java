package io.switchover.notifier.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf frame(
            long length, int version, int type, int flags, long id, byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt((int) length);
        b.writeByte(version);
        b.writeByte(type);
        b.writeShort(flags);
        b.writeLong(id);
        b.writeBytes(payload);
        return b;
    }

    @Test
    void decode_frameFedOneByteAtATime_yieldsOneFrameAtTheLastByte() {
        ByteBuf whole = frame(12 + 3, 1, 0x10, 0, 42, new byte[] {1, 2, 3});
        int total = whole.readableBytes();
        for (int i = 0; i < total - 1; i++) {
            channel.writeInbound(whole.readRetainedSlice(1));
            assertThat((Object) channel.readInbound()).isNull();
        }
        channel.writeInbound(whole.readRetainedSlice(1));
        whole.release();
        Frame f = channel.readInbound();
        assertThat(f.version()).isEqualTo(1);
        assertThat(f.type()).isEqualTo(0x10);
        assertThat(f.correlationId()).isEqualTo(42);
        assertThat(f.payload().readableBytes()).isEqualTo(3);
        f.release();
    }

    @Test
    void decode_twoFramesInOneBuffer_yieldsBoth() {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(frame(12, 1, 4, 0, 0, new byte[0]));
        b.writeBytes(frame(13, 1, 0x10, 0, 9, new byte[] {7}));
        channel.writeInbound(b);
        Frame first = channel.readInbound();
        Frame second = channel.readInbound();
        assertThat(first.type()).isEqualTo(4);
        assertThat(second.correlationId()).isEqualTo(9);
        first.release();
        second.release();
    }

    @Test
    void decode_lengthAboveMaximum_failsOnTheLengthFieldAlone() {
        // Only the 4 length bytes arrive: the decoder must refuse before waiting for (or buffering)
        // the announced 2 GiB.
        ByteBuf b = Unpooled.buffer().writeInt(Integer.MAX_VALUE);
        assertThatThrownBy(() -> channel.writeInbound(b))
                .isInstanceOf(DecoderException.class)
                .cause()
                .isInstanceOf(ProtocolException.class)
                .satisfies(
                        e -> {
                            assertThat(((ProtocolException) e).reason())
                                    .isEqualTo(CloseReason.FRAME_TOO_LARGE);
                            assertThat(e)
                                    .hasMessageContaining("2147483647")
                                    .hasMessageContaining("1024");
                        });
    }

    @Test
    void decode_lengthShorterThanHeader_fails() {
        assertReason(Unpooled.buffer().writeInt(11), CloseReason.FRAME_TOO_SHORT);
    }

    @Test
    void decode_wrongVersion_failsAsSoonAsTheVersionByteArrives() {
        assertReason(Unpooled.buffer().writeInt(100).writeByte(2), CloseReason.UNSUPPORTED_VERSION);
    }

    @Test
    void decode_afterAViolation_discardsEverythingElse() {
        assertReason(Unpooled.buffer().writeInt(5), CloseReason.FRAME_TOO_SHORT);
        channel.writeInbound(frame(12, 1, 4, 0, 0, new byte[0]));
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void maxFrameLength_raised_acceptsLargerFrames() {
        FrameDecoder decoder = channel.pipeline().get(FrameDecoder.class);
        decoder.maxFrameLength(4096);
        channel.writeInbound(frame(12 + 2000, 1, 0x32, 0, 1, new byte[2000]));
        Frame f = channel.readInbound();
        assertThat(f.payload().readableBytes()).isEqualTo(2000);
        f.release();
    }

    private void assertReason(ByteBuf input, CloseReason reason) {
        assertThatThrownBy(() -> channel.writeInbound(input))
                .isInstanceOf(DecoderException.class)
                .cause()
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).reason())
                .isEqualTo(reason);
    }
}
