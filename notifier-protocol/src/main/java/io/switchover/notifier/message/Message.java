package io.switchover.notifier.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.switchover.notifier.frame.Frame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The closed family of protocol messages. Each record is one message type; its {@link
 * #correlationId()} is the frame header's correlation id (a request id, a notification sequence
 * number or a stream id, depending on the type).
 */
public sealed interface Message
        permits Message.Hello,
                Message.Auth,
                Message.Goodbye,
                Message.Keepalive,
                Message.Ping,
                Message.ModulePing,
                Message.Request,
                Message.Reply,
                Message.Notify,
                Message.NotifyAck,
                Message.StreamOpen,
                Message.StreamCredit,
                Message.StreamChunk,
                Message.StreamEnd,
                Message.StreamCancel,
                Message.StreamAbort {

    /** Longest node id, cluster name, release, state, topic or operation name, in UTF-8 bytes. */
    int MAX_NAME_BYTES = 255;

    MessageType type();

    long correlationId();

    /**
     * First message on a connection, sent by both sides. Encoded as a CBOR map.
     *
     * @param cluster the cluster name; both nodes of a pair must announce the same one
     * @param node this node's id, unique in the pair
     * @param release this node's release version (used for the upgrade states)
     * @param protocol the protocol version spoken, {@code 1}
     * @param state the node's current role/state, opaque to the protocol
     * @param generation the node's durable generation number
     * @param kind {@code "main"} or {@code "aux"}
     * @param capabilities optional features this node supports
     * @param nonce 32 random bytes for the shared-secret challenge
     * @param auth the authentication method: {@code "hmac-sha256"}, {@code "tls"} or {@code
     *     "tls+hmac-sha256"}
     * @param maxFrame the largest frame length this node accepts once authenticated; optional,
     *     {@link Frame#DEFAULT_MAX_FRAME_LENGTH} when absent
     */
    record Hello(
            String cluster,
            String node,
            String release,
            Integer protocol,
            String state,
            Long generation,
            String kind,
            List<String> capabilities,
            byte[] nonce,
            String auth,
            Integer maxFrame)
            implements Message {
        public Hello {
            maxFrame = maxFrame == null ? Frame.DEFAULT_MAX_FRAME_LENGTH : maxFrame;
            if (maxFrame < Frame.PRE_AUTH_MAX_FRAME_LENGTH) {
                throw new IllegalArgumentException(
                        "maxFrame must be >= "
                                + Frame.PRE_AUTH_MAX_FRAME_LENGTH
                                + ", got "
                                + maxFrame);
            }
            requireName("cluster", cluster);
            requireName("node", node);
            requireName("release", release);
            requireName("state", state);
            requireName("kind", kind);
            requireName("auth", auth);
            capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
            if (capabilities.size() > 64) {
                throw new IllegalArgumentException(
                        "capabilities: at most 64 entries, got " + capabilities.size());
            }
            capabilities.forEach(c -> requireName("capability", c));
            Objects.requireNonNull(nonce, "nonce is missing");
            if (nonce.length != 32) {
                throw new IllegalArgumentException("nonce must be 32 bytes, got " + nonce.length);
            }
            Objects.requireNonNull(protocol, "protocol is missing");
            Objects.requireNonNull(generation, "generation is missing");
            if (generation < 0) {
                throw new IllegalArgumentException("generation must be >= 0, got " + generation);
            }
        }

        @Override
        public MessageType type() {
            return MessageType.HELLO;
        }

        @Override
        public long correlationId() {
            return 0;
        }
    }

    /**
     * Authentication proof, sent first by the connecting side, then by the accepting side as its
     * acceptance. Encoded as a CBOR map. The proof is empty when the method is {@code "tls"}.
     */
    record Auth(byte[] proof) implements Message {
        public Auth {
            proof = proof == null ? new byte[0] : proof;
            if (proof.length != 0 && proof.length != 32) {
                throw new IllegalArgumentException(
                        "proof must be empty or 32 bytes, got " + proof.length);
            }
        }

        @Override
        public MessageType type() {
            return MessageType.AUTH;
        }

        @Override
        public long correlationId() {
            return 0;
        }
    }

    /** The sender is closing the connection, and why. Encoded as a CBOR map. */
    record Goodbye(String reason, String detail) implements Message {
        public Goodbye {
            requireName("reason", reason);
            detail = detail == null ? "" : truncate(detail, 1024);
        }

        @Override
        public MessageType type() {
            return MessageType.GOODBYE;
        }

        @Override
        public long correlationId() {
            return 0;
        }
    }

    /** Sent when the connection has been write-idle, so the peer sees the connection is alive. */
    record Keepalive() implements Message {
        @Override
        public MessageType type() {
            return MessageType.KEEPALIVE;
        }

        @Override
        public long correlationId() {
            return 0;
        }
    }

    /** A notifier ping; answered by the peer's notifier itself with its state and generation. */
    record Ping(long correlationId) implements Message {
        @Override
        public MessageType type() {
            return MessageType.PING;
        }
    }

    /** A ping of the named monitored module on the peer, routed there to the module handler. */
    record ModulePing(long correlationId, String module) implements Message {
        public ModulePing {
            requireName("module", module);
        }

        @Override
        public MessageType type() {
            return MessageType.MODULE_PING;
        }
    }

    /** A request for a named operation, with an opaque body for the operation's handler. */
    record Request(long correlationId, String operation, byte[] body) implements Message {
        public Request {
            requireName("operation", operation);
            Objects.requireNonNull(body, "body");
        }

        @Override
        public MessageType type() {
            return MessageType.REQUEST;
        }
    }

    /**
     * The answer to a ping, module ping, request or stream. {@code body} is the answer when the
     * status is {@link ReplyStatus#OK}, and the UTF-8 reason when it is {@link
     * ReplyStatus#REJECTED}.
     */
    record Reply(long correlationId, ReplyStatus status, byte[] body) implements Message {
        public Reply {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(body, "body");
        }

        public static Reply ok(long correlationId, byte[] body) {
            return new Reply(correlationId, ReplyStatus.OK, body);
        }

        public static Reply rejected(long correlationId, String reason) {
            return new Reply(
                    correlationId,
                    ReplyStatus.REJECTED,
                    truncate(reason, 1024).getBytes(StandardCharsets.UTF_8));
        }

        /** The peer's reason for a rejection. */
        public String rejectionReason() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public MessageType type() {
            return MessageType.REPLY;
        }
    }

    /** Reply status byte. */
    enum ReplyStatus {
        OK(0),
        REJECTED(1);

        private final int code;

        ReplyStatus(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static ReplyStatus fromCode(int code) {
            return switch (code) {
                case 0 -> OK;
                case 1 -> REJECTED;
                default -> null;
            };
        }
    }

    /**
     * A one-way notification on a topic; {@code correlationId} is its sequence number, which must
     * increase strictly per topic on a connection.
     */
    record Notify(long correlationId, String topic, byte[] body) implements Message {
        public Notify {
            requireName("topic", topic);
            Objects.requireNonNull(body, "body");
        }

        @Override
        public MessageType type() {
            return MessageType.NOTIFY;
        }
    }

    /** Cumulative acknowledgement: every notification on the topic up to this sequence number. */
    record NotifyAck(long correlationId, String topic) implements Message {
        public NotifyAck {
            requireName("topic", topic);
        }

        @Override
        public MessageType type() {
            return MessageType.NOTIFY_ACK;
        }
    }

    /** Opens a stream; {@code correlationId} is the stream id, chosen by the sender. */
    record StreamOpen(long correlationId, String topic, byte[] header) implements Message {
        public StreamOpen {
            requireName("topic", topic);
            Objects.requireNonNull(header, "header");
        }

        @Override
        public MessageType type() {
            return MessageType.STREAM_OPEN;
        }
    }

    /** The receiver allows the sender this many more bytes of chunk data on the stream. */
    record StreamCredit(long correlationId, int bytes) implements Message {
        public StreamCredit {
            if (bytes <= 0) {
                throw new IllegalArgumentException("credit must be > 0, got " + bytes);
            }
        }

        @Override
        public MessageType type() {
            return MessageType.STREAM_CREDIT;
        }
    }

    /**
     * A piece of a stream's data. Holds a reference-counted buffer: whoever holds the chunk
     * releases it (writing it to a channel transfers that duty).
     */
    final class StreamChunk extends DefaultByteBufHolder implements Message {
        private final long correlationId;

        public StreamChunk(long correlationId, ByteBuf data) {
            super(data);
            this.correlationId = correlationId;
        }

        @Override
        public long correlationId() {
            return correlationId;
        }

        @Override
        public MessageType type() {
            return MessageType.STREAM_CHUNK;
        }

        @Override
        public StreamChunk replace(ByteBuf content) {
            return new StreamChunk(correlationId, content);
        }

        @Override
        public String toString() {
            return "StreamChunk[stream="
                    + correlationId
                    + ", bytes="
                    + content().readableBytes()
                    + "]";
        }
    }

    /** The sender has sent every chunk: total length and CRC-32C of all chunk data. */
    record StreamEnd(long correlationId, long totalBytes, int crc32c) implements Message {
        public StreamEnd {
            if (totalBytes < 0) {
                throw new IllegalArgumentException("total bytes must be >= 0, got " + totalBytes);
            }
        }

        @Override
        public MessageType type() {
            return MessageType.STREAM_END;
        }
    }

    /** The receiver asks the sender to stop the stream. */
    record StreamCancel(long correlationId, String reason) implements Message {
        public StreamCancel {
            reason = truncate(Objects.requireNonNull(reason, "reason"), 1024);
        }

        @Override
        public MessageType type() {
            return MessageType.STREAM_CANCEL;
        }
    }

    /** The sender gives up on the stream; the receiver discards what it received. */
    record StreamAbort(long correlationId, String reason) implements Message {
        public StreamAbort {
            reason = truncate(Objects.requireNonNull(reason, "reason"), 1024);
        }

        @Override
        public MessageType type() {
            return MessageType.STREAM_ABORT;
        }
    }

    /** Checks a protocol name: present, 1 to 255 UTF-8 bytes, no control characters. */
    static String requireName(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " is missing or empty");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(
                    what + " is longer than " + MAX_NAME_BYTES + " UTF-8 bytes");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " contains a control character");
            }
        }
        return value;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
