package io.switchover.core.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Digests over the registry's entries, arranged as a fixed tree over the entry ids' hashes, so that
 * two registries find their differences by comparing a handful of digests per difference.
 *
 * <p>Every entry belongs to one of {@code 2^16} leaves, chosen by a hash of its id alone (so
 * changing a value keeps it in its leaf). Each entry has a 64-bit digest of its id and value. A
 * node's digest is the sum (mod 2^64) of its entries' digests, and its count their number; sums
 * make every update O(levels) and the same whatever the order of writes. Levels: 0 is the root,
 * each level splits a node into 16, level 4 are the leaves.
 *
 * <p>Node {@code n} of level {@code l} covers the leaves {@code [n << s, (n + 1) << s)} with {@code
 * s = FANOUT_BITS * (LEVELS - l)}; its children are the nodes {@code n * FANOUT + i} of level
 * {@code l + 1}.
 *
 * <p>{@link #leafOf} and {@link #digestOf} are part of the replication protocol: both nodes of a
 * pair must compute them identically, so neither may change without a protocol change.
 *
 * <p>Not thread-safe: it belongs to its {@link Registry} and that registry's thread.
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

    /** The number of leaves, one past the last leaf number. */
    public static final int LEAVES = 1 << LEAF_BITS;

    /** Per level, the nodes' digests and counts. */
    private final long[][] digests = new long[LEVELS + 1][];

    private final long[][] counts = new long[LEVELS + 1][];

    /** This tree's own SHA-256 instance, reused for every entry digest it computes. */
    private final MessageDigest sha256 = sha256();

    /** An empty tree: every digest and count is 0. */
    public HashTree() {
        for (int level = 0; level <= LEVELS; level++) {
            digests[level] = new long[nodesOn(level)];
            counts[level] = new long[nodesOn(level)];
        }
    }

    /** The number of nodes on {@code level} (0 = root). */
    public static int nodesOn(int level) {
        return 1 << (FANOUT_BITS * level);
    }

    /** The first leaf under node {@code node} of {@code level}. */
    public static int firstLeaf(int level, int node) {
        return node << (FANOUT_BITS * (LEVELS - level));
    }

    /** One past the last leaf under node {@code node} of {@code level}. */
    public static int endLeaf(int level, int node) {
        return (node + 1) << (FANOUT_BITS * (LEVELS - level));
    }

    /**
     * The leaf of an entry id: a deterministic, well-mixed hash of its id, in [0, 2^16).
     *
     * <p>Exactly: {@code h = id.hashCode()} (Java's specified {@link String#hashCode}, over UTF-16
     * code units), then the murmur3 32-bit finaliser {@code h ^= h >>> 16; h *= 0x85ebca6b; h ^= h
     * >>> 13; h *= 0xc2b2ae35; h ^= h >>> 16} (32-bit wrapping arithmetic), and the leaf is the top
     * {@link #LEAF_BITS} bits, {@code h >>> 16}. The finaliser spreads ids that differ in their
     * last characters (sibling values, numbered keys) over the whole tree.
     */
    public static int leafOf(String entryId) {
        int h = entryId.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h >>> (Integer.SIZE - LEAF_BITS);
    }

    /**
     * The digest of one entry: the first 8 bytes of SHA-256 over id, U+0000, value (UTF-8), read
     * big-endian. Allocates a digest engine per call; a {@link Registry} uses its tree's {@link
     * #entryDigest} instead.
     */
    public static long digestOf(String entryId, String value) {
        return digest(sha256(), entryId, value);
    }

    /** The same as {@link #digestOf}, with this tree's reused digest engine. */
    public long entryDigest(String entryId, String value) {
        return digest(sha256, entryId, value);
    }

    private static long digest(MessageDigest sha, String entryId, String value) {
        sha.reset();
        sha.update(entryId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(value.getBytes(StandardCharsets.UTF_8));
        byte[] hash = sha.digest();
        long d = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            d = (d << 8) | (hash[i] & 0xff);
        }
        return d;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A node's digest: the sum of its entries' digests. */
    public long digest(int level, int node) {
        return digests[level][node];
    }

    /** A node's entry count. */
    public long count(int level, int node) {
        return counts[level][node];
    }

    /** Counts an entry with digest {@code digest} in {@code leaf} and every node above it. */
    void add(int leaf, long digest) {
        for (int level = LEVELS, node = leaf; level >= 0; level--, node >>>= FANOUT_BITS) {
            digests[level][node] += digest;
            counts[level][node]++;
        }
    }

    /** Undoes {@link #add} for an entry that was counted with {@code digest}. */
    void remove(int leaf, long digest) {
        for (int level = LEVELS, node = leaf; level >= 0; level--, node >>>= FANOUT_BITS) {
            digests[level][node] -= digest;
            counts[level][node]--;
        }
    }
}
