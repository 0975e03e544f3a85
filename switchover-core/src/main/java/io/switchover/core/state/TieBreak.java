package io.switchover.core.state;

/**
 * The one order between the two nodes, used whenever both could lead: two nodes starting together,
 * and two primaries that meet. The node with the higher generation comes first, because its history
 * is the newer one (the other node missed a promotion); between equal generations, the node with
 * the configured tie-break rank 0. Both nodes evaluate the same order over the same values, so
 * exactly one comes first, provided their ranks differ (0 and 1); the state machine refuses a peer
 * with the same rank. {@link Generations} makes two primaries' generations differ anyway, so
 * between primaries the rank never has to decide.
 */
public final class TieBreak {

    private TieBreak() {}

    /** Whether a peer announcing {@code peerRank} can be ordered against this node at all. */
    public static boolean distinct(int localRank, int peerRank) {
        return localRank != peerRank;
    }

    /**
     * Whether this node comes first: the higher generation, then the lower rank.
     *
     * @throws IllegalArgumentException if generations and ranks are both equal: nothing orders the
     *     two nodes
     */
    public static boolean localFirst(
            long localGeneration, int localRank, long peerGeneration, int peerRank) {
        if (localGeneration != peerGeneration) {
            return localGeneration > peerGeneration;
        }
        if (!distinct(localRank, peerRank)) {
            throw new IllegalArgumentException("both nodes have tie-break rank " + localRank);
        }
        return localRank < peerRank;
    }

    /** Explains an outcome of {@link #localFirst} for a transition reason. */
    static String explain(
            long localGeneration, int localRank, String peerId, long peerGeneration, int peerRank) {
        if (localGeneration != peerGeneration) {
            return "generation "
                    + localGeneration
                    + " vs "
                    + peerGeneration
                    + " for '"
                    + peerId
                    + "'";
        }
        return "equal generation "
                + localGeneration
                + ", tie-break rank "
                + localRank
                + " vs "
                + peerRank
                + " for '"
                + peerId
                + "'";
    }
}
