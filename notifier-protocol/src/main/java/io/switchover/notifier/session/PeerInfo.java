package io.switchover.notifier.session;

import java.net.SocketAddress;
import java.util.List;

/**
 * Who is at the other end of an authenticated connection, as announced in its hello and verified by
 * the handshake.
 *
 * @param authMethod how the peer was authenticated ({@code hmac-sha256}, {@code tls} or both)
 * @param certificateSubject the peer certificate's subject under TLS, otherwise empty
 * @param maxFrameLength the largest frame the peer accepts; this node never sends a larger one
 */
public record PeerInfo(
        String cluster,
        String nodeId,
        String release,
        int protocolVersion,
        String state,
        long generation,
        ConnectionKind kind,
        List<String> capabilities,
        SocketAddress remoteAddress,
        String authMethod,
        String certificateSubject,
        int maxFrameLength) {
    public PeerInfo {
        capabilities = List.copyOf(capabilities);
    }
}
