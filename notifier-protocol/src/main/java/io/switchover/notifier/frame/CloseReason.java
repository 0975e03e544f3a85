package io.switchover.notifier.frame;

/**
 * Why a connection is being closed. Every close of a notifier connection carries one of these, so
 * that both sides can log it and count it, and an operator can tell a misconfigured peer from a
 * network fault.
 */
public enum CloseReason {
    /** A frame announced a length above the connection's current maximum. */
    FRAME_TOO_LARGE,
    /** A frame announced a length shorter than the fixed header. */
    FRAME_TOO_SHORT,
    /** A frame carried a protocol version this node does not speak. */
    UNSUPPORTED_VERSION,
    /** A frame carried a message type this node does not know. */
    UNKNOWN_MESSAGE_TYPE,
    /** A frame's payload could not be decoded as its message type requires. */
    MALFORMED_PAYLOAD,
    /** A message arrived that is not allowed in the connection's current phase. */
    PROTOCOL_VIOLATION,
    /** A message other than the handshake arrived before authentication completed. */
    NOT_AUTHENTICATED,
    /** The handshake did not complete within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** The peer announced a different cluster name. */
    WRONG_CLUSTER,
    /** The peer announced a different protocol version in its hello. */
    PROTOCOL_MISMATCH,
    /** Shared-secret proof or certificate identity did not verify, or auth methods differ. */
    AUTHENTICATION_FAILED,
    /** The TLS handshake failed (unknown CA, no client certificate, protocol mismatch...). */
    TLS_FAILED,
    /** The peer was authenticated but the local policy refused it (e.g. unexpected node id). */
    PEER_REFUSED,
    /** No complete frame arrived within the idle timeout (peer hung or sent half a frame). */
    PEER_STALLED,
    /** A newer connection of the same kind from the same peer replaced this one. */
    SUPERSEDED,
    /** This node is shutting down or the connection was closed by its owner. */
    SHUTDOWN,
    /** The peer closed the connection, or the network dropped it. */
    CONNECTION_CLOSED,
    /** A local I/O error ended the connection. */
    IO_ERROR,
    /** A bug on this side: an unexpected exception in a handler. */
    INTERNAL_ERROR;

    /** The reason as it is written on the wire, in logs and in metric tags. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The reason for a wire code, or {@code null} when the code is not known to this release. */
    public static CloseReason fromCode(String code) {
        for (CloseReason r : values()) {
            if (r.code().equals(code)) {
                return r;
            }
        }
        return null;
    }
}
