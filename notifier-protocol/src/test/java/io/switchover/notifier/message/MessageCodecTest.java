package io.switchover.notifier.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.frame.FrameDecoder;
import io.switchover.notifier.frame.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {
    static final byte[] NONCE = new byte[32];

    static Stream<Message> everyMessageType() {
        return Stream.of(
                new Message.Hello(
                        "c",
                        "node-a",
                        "1.2.3",
                        1,
                        "PRIMARY",
                        5L,
                        "main",
                        List.of("streams"),
                        NONCE,
                        "hmac-sha256",
                        null),
                new Message.Auth(new byte[32]),
                new Message.Goodbye("wrong-cluster", "cluster 'x' is not 'y'"),
                new Message.Keepalive(),
                new Message.Ping(1),
                new Message.ModulePing(2, "ts"),
                new Message.Request(3, "registry.digest", new byte[] {1, 2}),
                Message.Reply.ok(4, new byte[] {9}),
                Message.Reply.rejected(5, "nope"),
                new Message.Notify(6, "registry", new byte[] {3}),
                new Message.NotifyAck(6, "registry"),
                new Message.StreamOpen(7, "files", new byte[] {4}),
                new Message.StreamCredit(7, 65536),
                new Message.StreamEnd(7, 100, 0xCAFEBABE),
                new Message.StreamCancel(7, "disk full"),
                new Message.StreamAbort(7, "source failed"));
    }

    @ParameterizedTest
    @MethodSource("everyMessageType")
    void encodeThenDecode_everyType_yieldsAnEqualMessage(Message message) {
        Message back = roundTrip(message);
        assertThat(back.type()).isEqualTo(message.type());
        assertThat(back.correlationId()).isEqualTo(message.correlationId());
        assertThat(back).usingRecursiveComparison().isEqualTo(message);
    }

    @Test
    void encodeThenDecode_streamChunk_keepsDataWithoutCopy() {
        ByteBuf data = Unpooled.copiedBuffer("chunk-data", StandardCharsets.US_ASCII);
        Message.StreamChunk back =
                (Message.StreamChunk) roundTrip(new Message.StreamChunk(8, data));
        assertThat(back.correlationId()).isEqualTo(8);
        assertThat(back.content().toString(StandardCharsets.US_ASCII)).isEqualTo("chunk-data");
        back.release();
    }

    @Test
    void decode_unknownType_isUnknownMessageType() {
        assertThatThrownBy(() -> MessageCodec.decode(new Frame(1, 0x7f, 0, 0, Unpooled.buffer())))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("0x7f")
                .extracting(e -> ((ProtocolException) e).reason())
                .isEqualTo(CloseReason.UNKNOWN_MESSAGE_TYPE);
    }

    @Test
    void decode_reservedFlagsSet_isMalformed() {
        assertMalformed(new Frame(1, MessageType.PING.code(), 1, 0, Unpooled.buffer()), "flags");
    }

    @Test
    void decode_trailingBytesAfterPing_isMalformed() {
        assertMalformed(
                new Frame(1, MessageType.PING.code(), 0, 0, Unpooled.wrappedBuffer(new byte[] {1})),
                "trailing");
    }

    @Test
    void decode_invalidUtf8ModuleName_isMalformed() {
        assertMalformed(
                new Frame(
                        1,
                        MessageType.MODULE_PING.code(),
                        0,
                        1,
                        Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xfe})),
                "UTF-8");
    }

    @Test
    void decode_truncatedStreamEnd_isMalformed() {
        assertMalformed(
                new Frame(
                        1,
                        MessageType.STREAM_END.code(),
                        0,
                        1,
                        Unpooled.wrappedBuffer(new byte[5])),
                "needs 8 more bytes");
    }

    @Test
    void decode_helloWithoutCluster_isMalformedNamingTheField() {
        ByteBuf cbor = Unpooled.buffer();
        // CBOR map(1) { "node": "x" }
        cbor.writeBytes(new byte[] {(byte) 0xa1, 0x64, 'n', 'o', 'd', 'e', 0x61, 'x'});
        assertMalformed(new Frame(1, MessageType.HELLO.code(), 0, 0, cbor), "cluster");
    }

    @Test
    void decode_helloWithWronglyTypedFields_isMalformedInsteadOfCoerced() throws Exception {
        var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        java.util.Map<String, Object> hello = new java.util.LinkedHashMap<>();
        hello.put("cluster", 5); // a number where text belongs
        hello.put("node", "n");
        hello.put("release", "1");
        hello.put("protocol", 1);
        hello.put("state", "s");
        hello.put("generation", 7.9); // a float where an integer belongs
        hello.put("kind", "main");
        hello.put("nonce", new byte[32]);
        hello.put("auth", "hmac-sha256");
        assertMalformed(
                new Frame(
                        1,
                        MessageType.HELLO.code(),
                        0,
                        0,
                        Unpooled.wrappedBuffer(cbor.writeValueAsBytes(hello))),
                "invalid CBOR");
        hello.put("cluster", "c");
        assertMalformed(
                new Frame(
                        1,
                        MessageType.HELLO.code(),
                        0,
                        0,
                        Unpooled.wrappedBuffer(cbor.writeValueAsBytes(hello))),
                "generation");
        hello.put("generation", 7);
        Message ok =
                MessageCodec.decode(
                        new Frame(
                                1,
                                MessageType.HELLO.code(),
                                0,
                                0,
                                Unpooled.wrappedBuffer(cbor.writeValueAsBytes(hello))));
        assertThat(((Message.Hello) ok).generation()).isEqualTo(7L);
    }

    @Test
    void decode_garbageCbor_isMalformed() {
        assertMalformed(
                new Frame(
                        1,
                        MessageType.GOODBYE.code(),
                        0,
                        0,
                        Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0x00, 0x13})),
                "CBOR");
    }

    @Test
    void decode_replyWithUnknownStatus_isMalformed() {
        assertMalformed(
                new Frame(
                        1, MessageType.REPLY.code(), 0, 1, Unpooled.wrappedBuffer(new byte[] {7})),
                "status 7");
    }

    @Test
    void decode_streamCreditOfZero_isMalformed() {
        assertMalformed(
                new Frame(1, MessageType.STREAM_CREDIT.code(), 0, 1, Unpooled.buffer().writeInt(0)),
                "credit");
    }

    private static void assertMalformed(Frame frame, String detail) {
        assertThatThrownBy(() -> MessageCodec.decode(frame))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining(detail)
                .extracting(e -> ((ProtocolException) e).reason())
                .isEqualTo(CloseReason.MALFORMED_PAYLOAD);
        assertThat(frame.payload().refCnt()).as("payload released").isZero();
    }

    /** Encodes through the real encoder and decodes through the real frame and message decoders. */
    static Message roundTrip(Message message) {
        EmbeddedChannel out = new EmbeddedChannel(MessageEncoder.INSTANCE);
        out.writeOutbound(message);
        ByteBuf wire = ByteBufAllocator.DEFAULT.buffer();
        for (ByteBuf part; (part = out.readOutbound()) != null; ) {
            wire.writeBytes(part);
            part.release();
        }
        EmbeddedChannel in =
                new EmbeddedChannel(
                        new FrameDecoder(Frame.DEFAULT_MAX_FRAME_LENGTH), MessageDecoder.INSTANCE);
        in.writeInbound(wire);
        Message back = in.readInbound();
        assertThat((Object) in.readInbound()).isNull();
        out.finishAndReleaseAll();
        in.finishAndReleaseAll();
        return back;
    }
}
