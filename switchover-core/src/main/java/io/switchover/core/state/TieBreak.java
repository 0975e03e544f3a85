package io.switchover.core.state;

/**
 * The configured, deterministic order between the two nodes: higher {@code tieBreakPriority} first,
 * then the lexicographically lower node id. Both nodes evaluate the same order over the same pair
 * of values, so exactly one of them wins. The only place this order is defined.
 */
public final class TieBreak {

    private TieBreak() {}

    /**
     * Whether this node wins the tie-break against the peer.
     *
     * @throws IllegalArgumentException if both nodes have the same id: no order can separate them
     */
    public static boolean localWins(
            int localPriority, String localId, int peerPriority, String peerId) {
        if (localId.equals(peerId)) {
            throw new IllegalArgumentException("both nodes are named '" + localId + "'");
        }
        if (localPriority != peerPriority) {
            return localPriority > peerPriority;
        }
        return localId.compareTo(peerId) < 0;
    }

    /**
     * Whether this primary keeps the role when it meets another primary: the higher generation
     * stays, equal generations fall back to {@link #localWins}.
     */
    public static boolean localKeepsPrimary(
            long localGeneration,
            int localPriority,
            String localId,
            long peerGeneration,
            int peerPriority,
            String peerId) {
        if (localGeneration != peerGeneration) {
            return localGeneration > peerGeneration;
        }
        return localWins(localPriority, localId, peerPriority, peerId);
    }

    /** Explains an outcome of {@link #localWins} for a transition reason. */
    static String explain(int localPriority, String localId, int peerPriority, String peerId) {
        if (localPriority != peerPriority) {
            return "tie-break priority "
                    + localPriority
                    + " vs "
                    + peerPriority
                    + " for '"
                    + peerId
                    + "'";
        }
        return "equal tie-break priority "
                + localPriority
                + ", node id '"
                + localId
                + "' vs '"
                + peerId
                + "'";
    }
}
