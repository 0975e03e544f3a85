package io.switchover.notifier.transport;

import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.PeerConnection;
import java.net.SocketAddress;

/**
 * Events of a notifier endpoint's connections. Called on the connection's event loop; must not
 * block.
 */
public interface ConnectionListener {
    /** A connection completed its handshake and is usable. */
    default void established(PeerConnection connection) {}

    /** An established connection closed; its pending calls have completed. */
    default void lost(PeerConnection connection, CloseReason reason, String detail) {}

    /**
     * A connection ended before its handshake completed (refused, failed authentication, could not
     * connect...). {@code byPeer} says whether the peer gave the reason in a goodbye.
     */
    default void failed(SocketAddress remote, CloseReason reason, String detail, boolean byPeer) {}
}
