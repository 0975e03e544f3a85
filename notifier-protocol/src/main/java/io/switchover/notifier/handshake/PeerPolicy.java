package io.switchover.notifier.handshake;

import io.switchover.notifier.session.PeerInfo;
import java.util.Optional;

/**
 * The owner's say on an authenticated peer, e.g. "only node-b may connect". Called once per
 * connection after authentication succeeded and before it is established.
 */
@FunctionalInterface
public interface PeerPolicy {
    PeerPolicy ACCEPT_ALL = peer -> Optional.empty();

    /** The reason to refuse the peer, or empty to accept it. */
    Optional<String> refusal(PeerInfo peer);
}
