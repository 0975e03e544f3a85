package io.switchover.core.registry;

/**
 * Digests over the registry's entries, arranged as a fixed tree over the entry ids' hashes, so that
 * two registries find their differences by comparing a handful of digests per difference.
 *
 * <p>Every entry belongs to one of {@code 2^16} leaves, chosen by a hash of its id alone (so
 * changing a value keeps it in its leaf). Each entry has a 64-bit digest of its id and value. A
 * node's digest is the sum (mod 2^64) of its entries' digests, and its count their number; sums
 * make every update O(levels) and the same whatever the order of writes. Levels: 0 is the root,
 * each level splits a node into 16, level 4 are the leaves.
 */
public final class HashTree {
    /** Bits of an entry's leaf number. */
    public static final int LEAF_BITS = 16;

    /** Bits per level: each node has {@code 1 << FANOUT_BITS} children. */
    public static final int FANOUT_BITS = 4;

    /** Levels below the root; level {@code LEVELS} holds the leaves. */
    public static final int LEVELS = LEAF_BITS / FANOUT_BITS;

    /** Children per node. */
    public static final int FANOUT = 1 << FANOUT_BITS;

    /** The number of nodes on {@code level} (0 = root). */
    public static int nodesOn(int level) {
        return 1 << (FANOUT_BITS * level);
    }

    /** The leaf of an entry id: a deterministic, well-mixed hash of its id, in [0, 2^16). */
    public static int leafOf(String entryId) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The digest of one entry: the first 8 bytes of SHA-256 over id, U+0000, value (UTF-8). */
    public static long digestOf(String entryId, String value) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A node's digest: the sum of its entries' digests. */
    public long digest(int level, int node) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A node's entry count. */
    public long count(int level, int node) {
        throw new UnsupportedOperationException("not yet");
    }
}
