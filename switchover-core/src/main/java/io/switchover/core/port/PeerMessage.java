package io.switchover.core.port;

import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import java.util.Objects;

/**
 * The control messages two cores exchange through the {@link PeerLink}. Every message carries what
 * the receiver needs to order the two nodes: generation and tie-break values.
 */
public sealed interface PeerMessage {

    /** The sender's node id. */
    String nodeId();

    /** The sender's tie-break rank (0 or 1; the two nodes of a pair differ). */
    int tieBreakRank();

    /** The sender's current generation. */
    long generation();

    /**
     * Who the sender is and what role it holds. Sent repeatedly by a starting node, answered by any
     * node that is not starting itself, and sent by a node that becomes primary, whose connection
     * comes back while it is primary, and every ping delay while it is primary.
     */
    record Hello(String nodeId, int tieBreakRank, State role, Release release, long generation)
            implements PeerMessage {
        public Hello {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(release, "release");
        }
    }

    /**
     * The sender just became primary with {@code generation}, for {@code reason}. Sent when the old
     * primary may still be reached, so that it records the event and steps down.
     */
    record TookOver(String nodeId, int tieBreakRank, long generation, Reason reason)
            implements PeerMessage {
        public TookOver {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The sender (a backup) asks the primary to stop writes, drain, and let it take over. */
    record HandoverRequest(String nodeId, int tieBreakRank, long generation)
            implements PeerMessage {
        public HandoverRequest {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    /** The sender (the primary) stopped writes and drained replication: take over now. */
    record HandoverReady(String nodeId, int tieBreakRank, long generation) implements PeerMessage {
        public HandoverReady {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    /** The sender abandoned a controlled switchover, for {@code why}. */
    record HandoverAborted(String nodeId, int tieBreakRank, long generation, String why)
            implements PeerMessage {
        public HandoverAborted {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(why, "why");
        }
    }
}
