package io.switchover.notifier.message;

/** Every message type of protocol version 1, with its wire code (the frame's type byte). */
public enum MessageType {
    HELLO(0x01),
    AUTH(0x02),
    GOODBYE(0x03),
    KEEPALIVE(0x04),
    PING(0x10),
    MODULE_PING(0x11),
    REQUEST(0x12),
    REPLY(0x13),
    NOTIFY(0x20),
    NOTIFY_ACK(0x21),
    STREAM_OPEN(0x30),
    STREAM_CREDIT(0x31),
    STREAM_CHUNK(0x32),
    STREAM_END(0x33),
    STREAM_CANCEL(0x34),
    STREAM_ABORT(0x35);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a wire code, or {@code null} when the code is unknown. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Whether this message may be sent before the handshake and authentication complete. */
    public boolean allowedBeforeAuthentication() {
        return this == HELLO || this == AUTH || this == GOODBYE || this == KEEPALIVE;
    }
}
