package io.switchover.core.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * How the registry's tree is spelled in the store: entry ids and index keys (see {@link Registry}
 * for the layout). One place, so that the registry, the compare-and-update and the server agree.
 */
final class StoreLayout {
    /** Precedes every segment of a key in an entry id. */
    static final char SEGMENT = '\u0001';

    /** Ends the key part of an entry id; the value name follows ({@code ""} for the marker). */
    static final char NAME = '\u0000';

    /** Sorts right after every entry of a key's subtree: {@code prefix + SUBTREE_END}. */
    static final char SUBTREE_END = '\u0002';

    /** Hex digits of the leaf number that starts every index key. */
    static final int LEAF_HEX = 4;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private StoreLayout() {}

    /** The key's segments, each preceded by {@link #SEGMENT}; {@code ""} for the root. */
    static String keyPrefix(KeyPath key) {
        StringBuilder b = new StringBuilder();
        for (String segment : key.segments()) {
            b.append(SEGMENT).append(segment);
        }
        return b.toString();
    }

    /** The id of the key's own entry, its marker. */
    static String marker(KeyPath key) {
        return keyPrefix(key) + NAME;
    }

    /** The id of the key's value {@code name}. */
    static String valueId(KeyPath key, String name) {
        return keyPrefix(key) + NAME + name;
    }

    /** Whether the id is a key's marker rather than a value. */
    static boolean isMarker(String id) {
        return !id.isEmpty() && id.charAt(id.length() - 1) == NAME;
    }

    /** The value name of an id ({@code ""} for a marker). */
    static String nameOf(String id) {
        return id.substring(id.indexOf(NAME) + 1);
    }

    /** The key of an id that was validated when it was written. */
    static KeyPath keyOf(String id) {
        int end = id.indexOf(NAME);
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (start <= end) {
            int next = id.indexOf(SEGMENT, start);
            if (next < 0 || next > end) {
                next = end;
            }
            segments.add(id.substring(start, next));
            start = next + 1;
        }
        return KeyPath.ofTrusted(segments);
    }

    /**
     * Checks an id that arrived from elsewhere: a canonical spelling of a non-root key that is
     * valid under {@code limits}, then a value name without control characters.
     *
     * @return the id's key
     * @throws RegistryException INVALID or LIMIT naming what is wrong
     */
    static KeyPath checkedKeyOf(String id, RegistryLimits limits) throws RegistryException {
        int end = id.indexOf(NAME);
        if (end < 0) {
            throw invalid("entry id '" + KeyPath.printable(id) + "' has no U+0000 before its name");
        }
        String keyPart = id.substring(0, end);
        if (keyPart.isEmpty()) {
            throw invalid(
                    "entry id '" + KeyPath.printable(id) + "' names the root, which holds nothing");
        }
        if (keyPart.charAt(0) != SEGMENT || keyPart.indexOf('/') >= 0) {
            throw invalid("entry id '" + KeyPath.printable(id) + "' has a malformed key part");
        }
        KeyPath key = KeyPath.parse("/" + keyPart.substring(1).replace(SEGMENT, '/'), limits);
        if (!keyPrefix(key).equals(keyPart)) {
            throw invalid("entry id '" + KeyPath.printable(id) + "' has a malformed key part");
        }
        checkName(key, id.substring(end + 1), true, limits);
        return key;
    }

    /**
     * Checks a value name: no control characters, at most {@code limits.maxNameBytes()}, and
     * non-empty unless {@code markerAllowed} (the marker's empty name).
     */
    static void checkName(KeyPath key, String name, boolean markerAllowed, RegistryLimits limits)
            throws RegistryException {
        if (name == null || (name.isEmpty() && !markerAllowed)) {
            throw invalid("value name is empty (key '" + key + "')");
        }
        int bad = KeyPath.firstControl(name);
        if (bad >= 0) {
            throw invalid(
                    "value name '"
                            + KeyPath.printable(name)
                            + "' of key '"
                            + key
                            + "' has a control character (U+"
                            + String.format("%04X", (int) name.charAt(bad))
                            + ")");
        }
        int unpaired = Utf8.firstUnpairedSurrogate(name);
        if (unpaired >= 0) {
            throw invalid(
                    "value name '"
                            + KeyPath.printable(name)
                            + "' of key '"
                            + key
                            + "' has an unpaired UTF-16 surrogate (U+"
                            + String.format("%04X", (int) name.charAt(unpaired))
                            + "): it has no UTF-8 form");
        }
        int bytes = Utf8.length(name);
        if (bytes > limits.maxNameBytes()) {
            throw new RegistryException(
                    RegistryException.Kind.LIMIT,
                    "value name '"
                            + shortened(name)
                            + "' of key '"
                            + key
                            + "' is "
                            + bytes
                            + " bytes, above the limit of "
                            + limits.maxNameBytes());
        }
    }

    /** At most 40 characters of {@code s}, printable, for messages about oversized strings. */
    static String shortened(String s) {
        return s.length() <= 40
                ? KeyPath.printable(s)
                : KeyPath.printable(s.substring(0, 40)) + "...";
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(RegistryException.Kind.INVALID, message);
    }

    // ---------------------------------------------------------------- index keys

    /** The index key of an entry: its leaf in {@link #LEAF_HEX} hex digits, then its id. */
    static String indexKey(int leaf, String id) {
        return leafHex(leaf) + id;
    }

    /**
     * The leaf in {@link #LEAF_HEX} lowercase hex digits: every index key of the leaf starts so.
     */
    static String leafHex(int leaf) {
        char[] c = new char[LEAF_HEX];
        for (int i = LEAF_HEX - 1; i >= 0; i--) {
            c[i] = HEX[leaf & 0xf];
            leaf >>>= 4;
        }
        return new String(c);
    }

    /** Where an index scan of the leaves {@code [.., toLeaf)} stops; {@code null}: at the end. */
    static String leafBound(int toLeaf) {
        return toLeaf >= HashTree.LEAVES ? null : leafHex(toLeaf);
    }

    /** The leaf of an index key. */
    static int leafOfIndexKey(String indexKey) {
        return (int) parseHex(indexKey, 0, LEAF_HEX);
    }

    /** The entry id of an index key. */
    static String idOfIndexKey(String indexKey) {
        return indexKey.substring(LEAF_HEX);
    }

    /** A digest as the index stores it. */
    static String digestHex(long digest) {
        return Long.toHexString(digest);
    }

    /** A digest read back from the index. */
    static long parseDigest(String hex) {
        return parseHex(hex, 0, hex.length());
    }

    private static long parseHex(String s, int from, int to) {
        if (to - from < 1 || to - from > 16 || to > s.length()) {
            throw new IllegalStateException("malformed hex in registry index: '" + s + "'");
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                throw new IllegalStateException("malformed hex in registry index: '" + s + "'");
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
