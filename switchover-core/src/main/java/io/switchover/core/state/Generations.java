package io.switchover.core.state;

/**
 * The one rule for the generation a node takes when it promotes, chosen so that the two nodes can
 * never hold the same generation as primary, even when they promote without hearing from each other
 * (both starting during a partition, a backup taking over from a primary that still runs).
 *
 * <p>Each node owns one residue class modulo 2, set by its configured tie-break rank: rank 0 takes
 * only even generations, rank 1 only odd ones. A promotion takes the smallest number of its own
 * class that is greater than every generation the node knows of: its own and the highest it learnt
 * from the peer. So:
 *
 * <ul>
 *   <li>every promotion of one node is above all its earlier ones (its generation only grows);
 *   <li>a promotion is above the generation of the primary it replaces, when it heard of it;
 *   <li>two nodes never pick the same number, whatever they missed of each other, because their
 *       classes are disjoint. When two primaries meet, the higher generation stays primary and
 *       generations are never equal, so no further tie-break is needed.
 * </ul>
 *
 * <p>A backup adopts its primary's generation (of the other class); that is fine, it only ever
 * promotes above it. Generations stored before this rule existed may be of either class; the
 * guarantee holds from each node's first promotion under it.
 */
public final class Generations {

    /** The number of classes: one per node of the pair. */
    private static final int NODES = 2;

    private Generations() {}

    /**
     * The generation a node of {@code rank} takes when it promotes.
     *
     * @param rank the node's tie-break rank, 0 or 1
     * @param own the node's current generation
     * @param peer the highest generation the node learnt from its peer
     */
    public static long next(int rank, long own, long peer) {
        if (rank < 0 || rank >= NODES) {
            throw new IllegalArgumentException("tie-break rank " + rank + " is not 0 or 1");
        }
        long above = Math.max(own, peer) + 1;
        return above + Math.floorMod(rank - above, NODES);
    }

    /** Whether {@code generation} belongs to the class of {@code rank}. */
    public static boolean ownedBy(int rank, long generation) {
        return Math.floorMod(generation, NODES) == rank;
    }
}
