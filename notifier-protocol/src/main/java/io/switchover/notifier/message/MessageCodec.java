package io.switchover.notifier.message;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.frame.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Converts between {@link Frame}s and {@link Message}s. Stateless and thread-safe.
 *
 * <p>Decoding is strict: reserved flags must be zero, strings must be valid UTF-8, and a payload
 * must be consumed exactly; anything else is a {@link ProtocolException} naming what was wrong.
 */
public final class MessageCodec {
    private static final ObjectMapper CBOR =
            CBORMapper.builder()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .withCoercionConfig(
                            LogicalType.Textual,
                            c -> {
                                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                                c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                                c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
                            })
                    .build();

    private MessageCodec() {}

    /**
     * Decodes a frame into a message. The frame's payload is released, except that a {@link
     * Message.StreamChunk} takes over the reference.
     */
    public static Message decode(Frame frame) {
        boolean keepPayload = false;
        try {
            MessageType type = MessageType.fromCode(frame.type());
            if (type == null) {
                throw new ProtocolException(
                        CloseReason.UNKNOWN_MESSAGE_TYPE,
                        String.format("unknown message type 0x%02x", frame.type()));
            }
            if (frame.flags() != 0) {
                throw malformed(type, "reserved flags are 0x" + Integer.toHexString(frame.flags()));
            }
            Message message = decodePayload(type, frame.correlationId(), frame.payload());
            if (message instanceof Message.StreamChunk) {
                keepPayload = true;
            } else if (frame.payload().isReadable()) {
                throw malformed(
                        type, frame.payload().readableBytes() + " unexpected trailing bytes");
            }
            return message;
        } finally {
            if (!keepPayload) {
                frame.release();
            }
        }
    }

    private static Message decodePayload(MessageType type, long id, ByteBuf p) {
        try {
            return switch (type) {
                case HELLO -> readCbor(p, Message.Hello.class);
                case AUTH -> readCbor(p, Message.Auth.class);
                case GOODBYE -> readCbor(p, Message.Goodbye.class);
                case KEEPALIVE -> new Message.Keepalive();
                case PING -> new Message.Ping(id);
                case MODULE_PING -> new Message.ModulePing(id, readRest(type, p));
                case REQUEST -> new Message.Request(id, readName(type, p), readBytes(p));
                case REPLY -> readReply(id, p);
                case NOTIFY -> new Message.Notify(id, readName(type, p), readBytes(p));
                case NOTIFY_ACK -> new Message.NotifyAck(id, readName(type, p));
                case STREAM_OPEN -> new Message.StreamOpen(id, readName(type, p), readBytes(p));
                case STREAM_CREDIT -> new Message.StreamCredit(id, readInt(type, p));
                case STREAM_CHUNK -> new Message.StreamChunk(id, p);
                case STREAM_END -> new Message.StreamEnd(id, readLong(type, p), readInt(type, p));
                case STREAM_CANCEL -> new Message.StreamCancel(id, readRest(type, p));
                case STREAM_ABORT -> new Message.StreamAbort(id, readRest(type, p));
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            throw malformed(type, e.getMessage());
        }
    }

    private static Message.Reply readReply(long id, ByteBuf p) {
        if (!p.isReadable()) {
            throw malformed(MessageType.REPLY, "status byte is missing");
        }
        int code = p.readUnsignedByte();
        Message.ReplyStatus status = Message.ReplyStatus.fromCode(code);
        if (status == null) {
            throw malformed(MessageType.REPLY, "unknown reply status " + code);
        }
        byte[] body = readBytes(p);
        if (status == Message.ReplyStatus.REJECTED) {
            utf8(MessageType.REPLY, body);
        }
        return new Message.Reply(id, status, body);
    }

    private static <T> T readCbor(ByteBuf p, Class<T> type) {
        try {
            T value = CBOR.readValue((java.io.InputStream) new ByteBufInputStream(p), type);
            if (value == null) {
                throw new IllegalArgumentException("payload is empty");
            }
            return value;
        } catch (JacksonException e) {
            String field =
                    e instanceof JsonMappingException m && !m.getPath().isEmpty()
                            ? "field '"
                                    + m.getPath().get(m.getPath().size() - 1).getFieldName()
                                    + "': "
                            : "";
            throw new IllegalArgumentException(
                    "invalid CBOR: "
                            + field
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid CBOR: " + e.getMessage());
        }
    }

    private static String readName(MessageType type, ByteBuf p) {
        if (!p.isReadable()) {
            throw malformed(type, "name length byte is missing");
        }
        int length = p.readUnsignedByte();
        if (length == 0) {
            throw malformed(type, "name is empty");
        }
        if (p.readableBytes() < length) {
            throw malformed(
                    type, "name of " + length + " bytes but only " + p.readableBytes() + " remain");
        }
        byte[] bytes = new byte[length];
        p.readBytes(bytes);
        return utf8(type, bytes);
    }

    private static String readRest(MessageType type, ByteBuf p) {
        return utf8(type, readBytes(p));
    }

    private static byte[] readBytes(ByteBuf p) {
        byte[] bytes = new byte[p.readableBytes()];
        p.readBytes(bytes);
        return bytes;
    }

    private static int readInt(MessageType type, ByteBuf p) {
        if (p.readableBytes() < Integer.BYTES) {
            throw malformed(type, "needs 4 more bytes, " + p.readableBytes() + " remain");
        }
        return p.readInt();
    }

    private static long readLong(MessageType type, ByteBuf p) {
        if (p.readableBytes() < Long.BYTES) {
            throw malformed(type, "needs 8 more bytes, " + p.readableBytes() + " remain");
        }
        return p.readLong();
    }

    private static String utf8(MessageType type, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(type, "text is not valid UTF-8");
        }
    }

    private static ProtocolException malformed(MessageType type, String detail) {
        return new ProtocolException(
                CloseReason.MALFORMED_PAYLOAD, type.name().toLowerCase() + ": " + detail);
    }

    /**
     * Encodes a message as a whole frame, length field included. A {@link Message.StreamChunk}'s
     * data is not copied: the returned header is followed by {@code chunk.content()}, see {@link
     * MessageEncoder}.
     */
    public static ByteBuf encodeHeaderAndPayload(ByteBufAllocator alloc, Message message) {
        ByteBuf buf = alloc.buffer(64);
        try {
            int start = buf.writerIndex();
            buf.writeInt(0);
            buf.writeByte(Frame.PROTOCOL_VERSION);
            buf.writeByte(message.type().code());
            buf.writeShort(0);
            buf.writeLong(message.correlationId());
            int chunkBytes = writePayload(buf, message);
            buf.setInt(start, buf.writerIndex() - start - Frame.LENGTH_FIELD_BYTES + chunkBytes);
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /**
     * Writes the payload; returns the number of chunk bytes that will follow outside {@code buf}.
     */
    private static int writePayload(ByteBuf buf, Message message) {
        switch (message.type()) {
            case HELLO, AUTH, GOODBYE -> writeCbor(buf, message);
            case KEEPALIVE, PING -> {}
            case MODULE_PING -> writeText(buf, ((Message.ModulePing) message).module());
            case REQUEST -> {
                Message.Request r = (Message.Request) message;
                writeName(buf, r.operation());
                buf.writeBytes(r.body());
            }
            case REPLY -> {
                Message.Reply r = (Message.Reply) message;
                buf.writeByte(r.status().code());
                buf.writeBytes(r.body());
            }
            case NOTIFY -> {
                Message.Notify n = (Message.Notify) message;
                writeName(buf, n.topic());
                buf.writeBytes(n.body());
            }
            case NOTIFY_ACK -> writeName(buf, ((Message.NotifyAck) message).topic());
            case STREAM_OPEN -> {
                Message.StreamOpen o = (Message.StreamOpen) message;
                writeName(buf, o.topic());
                buf.writeBytes(o.header());
            }
            case STREAM_CREDIT -> buf.writeInt(((Message.StreamCredit) message).bytes());
            case STREAM_CHUNK -> {
                return ((Message.StreamChunk) message).content().readableBytes();
            }
            case STREAM_END -> {
                Message.StreamEnd e = (Message.StreamEnd) message;
                buf.writeLong(e.totalBytes());
                buf.writeInt(e.crc32c());
            }
            case STREAM_CANCEL -> writeText(buf, ((Message.StreamCancel) message).reason());
            case STREAM_ABORT -> writeText(buf, ((Message.StreamAbort) message).reason());
        }
        return 0;
    }

    private static void writeText(ByteBuf buf, String text) {
        buf.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeName(ByteBuf buf, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        buf.writeByte(bytes.length);
        buf.writeBytes(bytes);
    }

    private static void writeCbor(ByteBuf buf, Object value) {
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            CBOR.writeValue((java.io.OutputStream) out, value);
        } catch (IOException e) {
            throw new IllegalStateException("CBOR encoding failed for " + value.getClass(), e);
        }
    }
}
