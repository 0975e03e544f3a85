package io.switchover.notifier.session;

import io.netty.channel.Channel;
import io.switchover.notifier.frame.CloseReason;

/**
 * What the transport (server or client) learns about each of its channels: established after the
 * handshake, and closed with a reason, whether or not the handshake had completed.
 */
public interface ConnectionEvents {
    void established(PeerConnection connection);

    /**
     * The channel closed. {@code connection} is {@code null} when the handshake never completed.
     * {@code byPeer} says whether the reason came from the peer's goodbye.
     */
    void closed(
            Channel channel,
            PeerConnection connection,
            CloseReason reason,
            String detail,
            boolean byPeer);
}
