package io.switchover.core.registry;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The bytes of the compare-and-update messages ({@link Resync} asks, {@link RegistryServer}
 * answers) and of the primary's change batches. Pure functions: the daemon carries the bytes.
 *
 * <h2>Primitives</h2>
 *
 * <ul>
 *   <li>{@code u8}: one byte.
 *   <li>{@code varint}: an unsigned LEB128 number, 7 bits per byte, least significant group first,
 *       high bit set on every byte but the last; at most 10 bytes (64 bits).
 *   <li>{@code u64}: 8 bytes, big-endian (digests).
 *   <li>{@code str}: {@code varint} byte length, then that many bytes of well-formed UTF-8.
 *   <li>{@code id}: a {@code str} holding an entry id as {@link Registry} stores it, checked to be
 *       canonical and valid under {@link #WIRE_LIMITS}.
 * </ul>
 *
 * <h2>Messages</h2>
 *
 * <pre>
 * registry.digests request  u8 level (0..3) | varint n (&gt;= 1) | n x varint node (on that level)
 * registry.digests reply    varint k (nodes answered, a prefix of the request)
 *                           | k x 16 x ( u64 digest | varint count )   the children, in order
 * registry.leaves  request  varint n (&gt;= 1) | n x varint leaf (0..65535)
 * registry.leaves  reply    varint k (leaves answered, a prefix of the request)
 *                           | k x ( varint m | m x ( id | u64 digest ) )   in index (id) order
 * registry.fetch   request  varint n (&gt;= 1) | n x id
 * registry.fetch   reply    varint k (ids answered, a prefix of the request)
 *                           | k x ( u8 0 (absent) | u8 1, str value )
 * registry.range   request  varint from leaf | varint to leaf (exclusive, from &lt; to &lt;= 65536)
 *                           | u8 0 (from the start)  or  u8 1 | varint leaf | id  (resume after)
 * registry.range   reply    varint m | m x ( id | str value ) | u8 more (0 or 1; 1 needs m &gt;= 1,
 *                           and the next request resumes after the last entry)
 * changes batch             varint n | n x change
 *   change                  varint seq | u8 kind | str key path ("/a/b")
 *                           | PUT (0):          varint v | v x ( str name | str value ), names
 *                                               strictly increasing
 *                           | DELETE_VALUE (1): str name
 *                           | DELETE_KEY (2):   nothing
 * </pre>
 *
 * <p>A reply answers a prefix of its request so that the server can keep replies within its byte
 * budget: the asker asks again for the rest.
 *
 * <p>Decoding checks everything (every length against the bytes left before allocating, every
 * count, number range, flag, UTF-8 sequence, key path and entry id, and that nothing trails) and
 * throws {@link RegistryException} INVALID naming the message, the field and the byte offset.
 */
public final class RegistryCodec {

    /**
     * The limits key paths and entry ids are checked against when decoded: generous, so that any
     * tree a primary accepted under sane limits (at least {@link RegistryLimits#DEFAULT}) travels.
     */
    public static final RegistryLimits WIRE_LIMITS =
            new RegistryLimits(1_024, 65_535, 65_535, Integer.MAX_VALUE, Integer.MAX_VALUE);

    private static final String DIGESTS_REQUEST = "registry.digests request";
    private static final String DIGESTS_REPLY = "registry.digests reply";
    private static final String LEAVES_REQUEST = "registry.leaves request";
    private static final String LEAVES_REPLY = "registry.leaves reply";
    private static final String FETCH_REQUEST = "registry.fetch request";
    private static final String FETCH_REPLY = "registry.fetch reply";
    private static final String RANGE_REQUEST = "registry.range request";
    private static final String RANGE_REPLY = "registry.range reply";
    private static final String CHANGES = "change batch";

    /** Smallest encoded sizes, to bound counts by the bytes left. */
    private static final int MIN_ID = 2;

    private static final int MIN_SUMMARY = 9;

    private static final int MIN_CHANGE = 4;

    private RegistryCodec() {}

    // ---------------------------------------------------------------- messages

    /** Asks for the children of {@code nodes} on {@code level}. */
    public record DigestsRequest(int level, List<Integer> nodes) {
        public DigestsRequest {
            nodes = List.copyOf(nodes);
        }
    }

    /** A node's digest and entry count. */
    public record NodeSummary(long digest, long count) {}

    /** The children of the first {@link #answered()} requested nodes, {@code FANOUT} each. */
    public record DigestsReply(List<NodeSummary> children) {
        public DigestsReply {
            children = List.copyOf(children);
            if (children.size() % HashTree.FANOUT != 0) {
                throw new IllegalArgumentException(
                        "children come in groups of " + HashTree.FANOUT + ": " + children.size());
            }
        }

        public int answered() {
            return children.size() / HashTree.FANOUT;
        }
    }

    /** Asks for the (id, digest) lists of leaves. */
    public record LeavesRequest(List<Integer> leaves) {
        public LeavesRequest {
            leaves = List.copyOf(leaves);
        }
    }

    /** One entry of a leaf listing. */
    public record LeafEntry(String id, long digest) {}

    /** The listings of the first {@code leaves().size()} requested leaves. */
    public record LeavesReply(List<List<LeafEntry>> leaves) {
        public LeavesReply {
            leaves = leaves.stream().map(List::copyOf).toList();
        }
    }

    /** Asks for the values of entries. */
    public record FetchRequest(List<String> ids) {
        public FetchRequest {
            ids = List.copyOf(ids);
        }
    }

    /**
     * The values of the first {@code values().size()} requested ids; empty: the entry is absent.
     */
    public record FetchReply(List<Optional<String>> values) {
        public FetchReply {
            values = List.copyOf(values);
        }
    }

    /**
     * Asks for every entry of the leaves {@code [fromLeaf, toLeaf)} in index order, from the start
     * ({@code afterId == null}) or right after the entry {@code (afterLeaf, afterId)}.
     */
    public record RangeRequest(int fromLeaf, int toLeaf, int afterLeaf, String afterId) {}

    /** One entry with its value. */
    public record Entry(String id, String value) {}

    /** The next entries of a range; {@code more}: ask again after the last one. */
    public record RangeReply(List<Entry> entries, boolean more) {
        public RangeReply {
            entries = List.copyOf(entries);
        }
    }

    // ---------------------------------------------------------------- encoders

    public static byte[] encode(DigestsRequest m) {
        Writer w = new Writer();
        w.u8(m.level());
        w.varint(m.nodes().size());
        for (int node : m.nodes()) {
            w.varint(node);
        }
        return w.bytes();
    }

    public static byte[] encode(DigestsReply m) {
        Writer w = new Writer();
        w.varint(m.answered());
        for (NodeSummary s : m.children()) {
            w.u64(s.digest());
            w.varint(s.count());
        }
        return w.bytes();
    }

    public static byte[] encode(LeavesRequest m) {
        Writer w = new Writer();
        w.varint(m.leaves().size());
        for (int leaf : m.leaves()) {
            w.varint(leaf);
        }
        return w.bytes();
    }

    public static byte[] encode(LeavesReply m) {
        Writer w = new Writer();
        w.varint(m.leaves().size());
        for (List<LeafEntry> leaf : m.leaves()) {
            w.varint(leaf.size());
            for (LeafEntry e : leaf) {
                w.str(e.id());
                w.u64(e.digest());
            }
        }
        return w.bytes();
    }

    public static byte[] encode(FetchRequest m) {
        Writer w = new Writer();
        w.varint(m.ids().size());
        for (String id : m.ids()) {
            w.str(id);
        }
        return w.bytes();
    }

    public static byte[] encode(FetchReply m) {
        Writer w = new Writer();
        w.varint(m.values().size());
        for (Optional<String> value : m.values()) {
            if (value.isPresent()) {
                w.u8(1);
                w.str(value.get());
            } else {
                w.u8(0);
            }
        }
        return w.bytes();
    }

    public static byte[] encode(RangeRequest m) {
        Writer w = new Writer();
        w.varint(m.fromLeaf());
        w.varint(m.toLeaf());
        if (m.afterId() == null) {
            w.u8(0);
        } else {
            w.u8(1);
            w.varint(m.afterLeaf());
            w.str(m.afterId());
        }
        return w.bytes();
    }

    public static byte[] encode(RangeReply m) {
        Writer w = new Writer();
        w.varint(m.entries().size());
        for (Entry e : m.entries()) {
            w.str(e.id());
            w.str(e.value());
        }
        w.u8(m.more() ? 1 : 0);
        return w.bytes();
    }

    /** A batch of changes, in order. */
    public static byte[] encodeChanges(List<RegistryChange> changes) {
        Writer w = new Writer();
        w.varint(changes.size());
        for (RegistryChange c : changes) {
            w.varint(c.seq());
            w.u8(c.kind().ordinal());
            w.str(c.key().toString());
            switch (c.kind()) {
                case PUT -> {
                    w.varint(c.values().size());
                    for (Map.Entry<String, String> e : c.values().entrySet()) {
                        w.str(e.getKey());
                        w.str(e.getValue());
                    }
                }
                case DELETE_VALUE -> w.str(c.name());
                case DELETE_KEY -> {}
            }
        }
        return w.bytes();
    }

    // ---------------------------------------------------------------- decoders

    public static DigestsRequest decodeDigestsRequest(byte[] body) throws RegistryException {
        Reader r = new Reader(body, DIGESTS_REQUEST);
        int level = r.u8("level");
        if (level >= HashTree.LEVELS) {
            throw r.invalid("level " + level + " has no children (levels 0 to 3 do)");
        }
        int n = r.count("node count", 1);
        if (n < 1) {
            throw r.invalid("asks for no node");
        }
        List<Integer> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(r.varint("node", HashTree.nodesOn(level) - 1));
        }
        r.end();
        return new DigestsRequest(level, nodes);
    }

    public static DigestsReply decodeDigestsReply(byte[] body) throws RegistryException {
        Reader r = new Reader(body, DIGESTS_REPLY);
        int k = r.count("node count", HashTree.FANOUT * MIN_SUMMARY);
        List<NodeSummary> children = new ArrayList<>(k * HashTree.FANOUT);
        for (int i = 0; i < k * HashTree.FANOUT; i++) {
            long digest = r.u64("digest");
            children.add(new NodeSummary(digest, r.varlong("count")));
        }
        r.end();
        return new DigestsReply(children);
    }

    public static LeavesRequest decodeLeavesRequest(byte[] body) throws RegistryException {
        Reader r = new Reader(body, LEAVES_REQUEST);
        int n = r.count("leaf count", 1);
        if (n < 1) {
            throw r.invalid("asks for no leaf");
        }
        List<Integer> leaves = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            leaves.add(r.varint("leaf", HashTree.LEAVES - 1));
        }
        r.end();
        return new LeavesRequest(leaves);
    }

    public static LeavesReply decodeLeavesReply(byte[] body) throws RegistryException {
        Reader r = new Reader(body, LEAVES_REPLY);
        int k = r.count("leaf count", 1);
        List<List<LeafEntry>> leaves = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            int m = r.count("entry count", MIN_ID + Long.BYTES);
            List<LeafEntry> entries = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                String id = r.id("entry id");
                entries.add(new LeafEntry(id, r.u64("digest")));
            }
            leaves.add(entries);
        }
        r.end();
        return new LeavesReply(leaves);
    }

    public static FetchRequest decodeFetchRequest(byte[] body) throws RegistryException {
        Reader r = new Reader(body, FETCH_REQUEST);
        int n = r.count("id count", MIN_ID);
        if (n < 1) {
            throw r.invalid("asks for no entry");
        }
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(r.id("entry id"));
        }
        r.end();
        return new FetchRequest(ids);
    }

    public static FetchReply decodeFetchReply(byte[] body) throws RegistryException {
        Reader r = new Reader(body, FETCH_REPLY);
        int k = r.count("value count", 1);
        List<Optional<String>> values = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            values.add(r.flag("present flag") ? Optional.of(r.str("value")) : Optional.empty());
        }
        r.end();
        return new FetchReply(values);
    }

    public static RangeRequest decodeRangeRequest(byte[] body) throws RegistryException {
        Reader r = new Reader(body, RANGE_REQUEST);
        int from = r.varint("from leaf", HashTree.LEAVES - 1);
        int to = r.varint("to leaf", HashTree.LEAVES);
        if (to <= from) {
            throw r.invalid("leaf range [" + from + ", " + to + ") is empty");
        }
        RangeRequest request;
        if (r.flag("resume flag")) {
            int leaf = r.varint("resume leaf", HashTree.LEAVES - 1);
            if (leaf < from || leaf >= to) {
                throw r.invalid("resume leaf " + leaf + " is outside [" + from + ", " + to + ")");
            }
            request = new RangeRequest(from, to, leaf, r.id("resume id"));
        } else {
            request = new RangeRequest(from, to, from, null);
        }
        r.end();
        return request;
    }

    public static RangeReply decodeRangeReply(byte[] body) throws RegistryException {
        Reader r = new Reader(body, RANGE_REPLY);
        int m = r.count("entry count", MIN_ID + 1);
        List<Entry> entries = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            String id = r.id("entry id");
            entries.add(new Entry(id, r.str("value")));
        }
        boolean more = r.flag("more flag");
        if (more && m == 0) {
            throw r.invalid("says more follows after no entry");
        }
        r.end();
        return new RangeReply(entries, more);
    }

    /** A batch of changes, in order. */
    public static List<RegistryChange> decodeChanges(byte[] body) throws RegistryException {
        Reader r = new Reader(body, CHANGES);
        int n = r.count("change count", MIN_CHANGE);
        List<RegistryChange> changes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = r.varlong("seq");
            int kind = r.u8("kind");
            String path = r.str("key path");
            KeyPath key;
            try {
                key = KeyPath.parse(path, WIRE_LIMITS);
            } catch (RegistryException e) {
                throw r.invalid("change " + (i + 1) + ": " + e.getMessage());
            }
            switch (kind) {
                case 0 -> changes.add(RegistryChange.put(seq, key, putValues(r, key)));
                case 1 -> changes.add(RegistryChange.deleteValue(seq, key, name(r, key)));
                case 2 -> {
                    if (key.isRoot()) {
                        throw r.invalid("deletes the root key");
                    }
                    changes.add(RegistryChange.deleteKey(seq, key));
                }
                default -> throw r.invalid("unknown change kind " + kind);
            }
        }
        r.end();
        return changes;
    }

    private static SortedMap<String, String> putValues(Reader r, KeyPath key)
            throws RegistryException {
        if (key.isRoot()) {
            throw r.invalid("puts values on the root key");
        }
        int v = r.count("value count", 2);
        SortedMap<String, String> values = new TreeMap<>();
        String previous = null;
        for (int j = 0; j < v; j++) {
            String name = name(r, key);
            if (previous != null && name.compareTo(previous) <= 0) {
                throw r.invalid(
                        "value names of key '"
                                + key
                                + "' are not strictly increasing at '"
                                + KeyPath.printable(name)
                                + "'");
            }
            previous = name;
            values.put(name, r.str("value"));
        }
        return values;
    }

    private static String name(Reader r, KeyPath key) throws RegistryException {
        String name = r.str("value name");
        try {
            StoreLayout.checkName(key, name, false, WIRE_LIMITS);
        } catch (RegistryException e) {
            throw r.invalid(e.getMessage());
        }
        return name;
    }

    // ---------------------------------------------------------------- sizes, for budgets

    /** The encoded size of a {@code str}. */
    static int strSize(String s) {
        int bytes = Utf8.length(s);
        return varintSize(bytes) + bytes;
    }

    /** The encoded size of a {@code varint}. */
    static int varintSize(long v) {
        int size = 1;
        while ((v & ~0x7fL) != 0) {
            v >>>= 7;
            size++;
        }
        return size;
    }

    // ---------------------------------------------------------------- primitives

    private static final class Writer {
        private byte[] buf = new byte[64];
        private int len;

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        void u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7fL) != 0) {
                buf[len++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        void u64(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[len++] = (byte) (v >>> shift);
            }
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }
    }

    /** Reads one message, throwing INVALID with the message's name, the field and the offset. */
    private static final class Reader {
        private final byte[] b;
        private final String message;
        private int pos;
        private CharsetDecoder utf8;

        Reader(byte[] body, String message) throws RegistryException {
            this.message = message;
            if (body == null) {
                throw new RegistryException(RegistryException.Kind.INVALID, message + ": no body");
            }
            this.b = body;
        }

        RegistryException invalid(String what) {
            return new RegistryException(
                    RegistryException.Kind.INVALID,
                    message + ": " + what + " (at byte " + pos + ")");
        }

        private void need(int n, String field) throws RegistryException {
            if (b.length - pos < n) {
                throw invalid(
                        "truncated: "
                                + field
                                + " needs "
                                + n
                                + " bytes, "
                                + (b.length - pos)
                                + " left");
            }
        }

        int u8(String field) throws RegistryException {
            need(1, field);
            return b[pos++] & 0xff;
        }

        boolean flag(String field) throws RegistryException {
            int v = u8(field);
            if (v > 1) {
                pos--;
                throw invalid(field + " is " + v + ", not 0 or 1");
            }
            return v == 1;
        }

        /** An unsigned 64-bit varint that must fit a non-negative long. */
        long varlong(String field) throws RegistryException {
            int start = pos;
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8(field);
                if (shift == 63 && x > 0) {
                    pos = start;
                    throw invalid(field + " does not fit 63 bits");
                }
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            pos = start;
            throw invalid(field + " is a varint longer than 10 bytes");
        }

        /** A varint in {@code [0, max]}. */
        int varint(String field, int max) throws RegistryException {
            int start = pos;
            long v = varlong(field);
            if (v > max) {
                pos = start;
                throw invalid(field + " " + v + " is above " + max);
            }
            return (int) v;
        }

        /** A count of items of at least {@code minBytesEach} bytes: never more than fit. */
        int count(String field, int minBytesEach) throws RegistryException {
            int start = pos;
            long n = varlong(field);
            long fit = (b.length - pos) / minBytesEach;
            if (n > fit) {
                pos = start;
                throw invalid(
                        field
                                + " "
                                + n
                                + " cannot fit in the "
                                + (b.length - start)
                                + " bytes left");
            }
            return (int) n;
        }

        long u64(String field) throws RegistryException {
            need(8, field);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos++] & 0xff);
            }
            return v;
        }

        String str(String field) throws RegistryException {
            int start = pos;
            long n = varlong(field + " length");
            int left = b.length - pos;
            if (n > left) {
                pos = start;
                throw invalid("truncated: " + field + " of " + n + " bytes, " + left + " left");
            }
            int len = (int) n;
            String s =
                    ascii(len)
                            ? new String(b, pos, len, StandardCharsets.US_ASCII)
                            : utf8(len, field);
            pos += len;
            return s;
        }

        private boolean ascii(int len) {
            for (int i = pos; i < pos + len; i++) {
                if (b[i] < 0) {
                    return false;
                }
            }
            return true;
        }

        private String utf8(int len, String field) throws RegistryException {
            if (utf8 == null) {
                utf8 =
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(b, pos, len));
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw invalid(field + " is not valid UTF-8");
            }
        }

        String id(String field) throws RegistryException {
            int start = pos;
            String id = str(field);
            try {
                StoreLayout.checkedKeyOf(id, WIRE_LIMITS);
            } catch (RegistryException e) {
                pos = start;
                throw invalid(e.getMessage());
            }
            return id;
        }

        void end() throws RegistryException {
            if (pos != b.length) {
                throw invalid((b.length - pos) + " unexpected bytes after the end");
            }
        }
    }
}
