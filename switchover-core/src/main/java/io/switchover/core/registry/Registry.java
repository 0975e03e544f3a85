package io.switchover.core.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The registry tree over a {@link RegistryStore}: reads, sequenced writes, replicated writes, and
 * the hash tree that compare-and-update walks.
 *
 * <h2>Model</h2>
 *
 * A key exists once created; a PUT creates the key and every missing ancestor (like {@code mkdir
 * -p}). Each key holds named string values (names non-empty, no control characters). The root
 * always exists, holds no values and cannot be deleted.
 *
 * <h2>Store layout</h2>
 *
 * <ul>
 *   <li>Entry ids: each segment prefixed by U+0001, then U+0000, then the value name ({@code ""}
 *       for the key's own marker). {@code /a/b} has marker {@code "\u0001a\u0001b\u0000"}; its
 *       value {@code x} is {@code "\u0001a\u0001b\u0000x"}. Because U+0000 and U+0001 sort below
 *       every allowed character, a key's entries, then its subtree, are contiguous and siblings
 *       follow in segment order. Entry value: the value string ({@code ""} for a marker).
 *   <li>Index: {@code leafHex(4) + entryId -> Long.toHexString(entryDigest)}; see {@link HashTree}
 *       for the leaf and digest functions.
 *   <li>Meta: {@code seq} (last sequence number applied, decimal).
 * </ul>
 *
 * <p>Writes change the store at once but are durable only after {@link #commit()}: the caller
 * groups writes and commits once before acknowledging them all.
 *
 * <p>Every entry written or removed changes the entries map, the index and the in-memory {@link
 * HashTree} together (the old digest out, the new one in), so the tree always describes the index.
 * Opening rebuilds the tree from the index alone: its values are the digests, nothing is rehashed.
 *
 * <p>The root has no entry of its own: an empty registry has no entries at all.
 *
 * <p>Not thread-safe: one thread owns the registry, its tree, its watchers and any {@link Resync}
 * or {@link RegistryServer} over it.
 */
public final class Registry {

    /** The meta key of the last sequence number. */
    static final String SEQ = "seq";

    /** Limits that never refuse: replicated writes were checked by the primary. */
    private static final RegistryLimits UNLIMITED =
            new RegistryLimits(
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE);

    private final RegistryStore store;
    private final RegistryLimits limits;
    private final SortedStringMap entries;
    private final SortedStringMap index;
    private final HashTree tree = new HashTree();
    private final List<Consumer<RegistryChange>> watchers = new ArrayList<>();
    private long lastSeq;
    private long keys;

    /** Opens the registry over {@code store}, rebuilding the hash tree from its index. */
    public Registry(RegistryStore store, RegistryLimits limits) {
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.entries = store.entries();
        this.index = store.index();
        index.scan(
                "",
                null,
                (indexKey, digest) -> {
                    tree.add(StoreLayout.leafOfIndexKey(indexKey), StoreLayout.parseDigest(digest));
                    if (StoreLayout.isMarker(indexKey)) {
                        keys++;
                    }
                    return true;
                });
        String seq = store.meta().get(SEQ);
        try {
            lastSeq = seq == null ? 0 : Long.parseLong(seq);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("malformed registry meta seq '" + seq + "'", e);
        }
    }

    public RegistryLimits limits() {
        return limits;
    }

    /** Parses a key path under this registry's limits. */
    public KeyPath path(String path) throws RegistryException {
        return KeyPath.parse(path, limits());
    }

    // ---------------------------------------------------------------- reads

    /** Whether the key exists (the root always does). */
    public boolean exists(KeyPath key) {
        return key.isRoot() || entries.get(StoreLayout.marker(key)) != null;
    }

    /** The key's values (possibly none), or empty when the key does not exist. */
    public Optional<SortedMap<String, String>> get(KeyPath key) {
        if (!exists(key)) {
            return Optional.empty();
        }
        SortedMap<String, String> values = new TreeMap<>();
        if (!key.isRoot()) {
            String marker = StoreLayout.marker(key);
            entries.scan(
                    marker,
                    StoreLayout.keyPrefix(key) + StoreLayout.SEGMENT,
                    (id, value) -> {
                        if (id.length() > marker.length()) {
                            values.put(id.substring(marker.length()), value);
                        }
                        return true;
                    });
        }
        return Optional.of(values);
    }

    /**
     * The names of the key's children, in order.
     *
     * <p>One {@link SortedStringMap#ceilingKey} per child: after a child, the search jumps past its
     * whole subtree.
     *
     * @throws RegistryException NOT_FOUND when the key does not exist
     */
    public List<String> children(KeyPath key) throws RegistryException {
        if (!exists(key)) {
            throw notFound(key);
        }
        String childPrefix = StoreLayout.keyPrefix(key) + StoreLayout.SEGMENT;
        int start = childPrefix.length();
        List<String> names = new ArrayList<>();
        String id = entries.ceilingKey(childPrefix);
        while (id != null && id.startsWith(childPrefix)) {
            int end = start;
            while (id.charAt(end) != StoreLayout.NAME && id.charAt(end) != StoreLayout.SEGMENT) {
                end++;
            }
            String name = id.substring(start, end);
            names.add(name);
            id = entries.ceilingKey(childPrefix + name + StoreLayout.SUBTREE_END);
        }
        return names;
    }

    /**
     * Every existing key at or below {@code subtree}, in path order, with its values; nothing when
     * {@code subtree} does not exist. The root itself is reported only if it holds values (never).
     */
    public void export(KeyPath subtree, Consumer<KeyValues> out) {
        exportPage(subtree, Optional.empty(), Integer.MAX_VALUE, out);
    }

    /**
     * One page of {@link #export}: the keys at or below {@code subtree} that follow {@code after}
     * in path order (from the first when {@code after} is empty), at most {@code maxKeys} of them.
     * Lets a long export give way to writes between pages.
     *
     * @return the last key handed out when the page is full (pass it as {@code after} for the next
     *     page), or empty when the export is complete
     */
    public Optional<KeyPath> exportPage(
            KeyPath subtree, Optional<KeyPath> after, int maxKeys, Consumer<KeyValues> out) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, got " + maxKeys);
        }
        if (!exists(subtree)) {
            return Optional.empty();
        }
        String prefix = StoreLayout.keyPrefix(subtree);
        String from = subtree.isRoot() ? "" : prefix + StoreLayout.NAME;
        if (after.isPresent()) {
            // Past the key's own entries (marker and values): its subtree comes next.
            from = StoreLayout.keyPrefix(after.get()) + StoreLayout.SEGMENT;
        }
        String to = subtree.isRoot() ? null : prefix + StoreLayout.SUBTREE_END;
        KeyPath[] last = new KeyPath[1];
        int[] count = new int[1];
        Exporter exporter =
                new Exporter(
                        kv -> {
                            out.accept(kv);
                            last[0] = kv.key();
                            count[0]++;
                        },
                        maxKeys);
        entries.scan(from, to, exporter);
        exporter.flush();
        return count[0] >= maxKeys && exporter.stoppedEarly()
                ? Optional.of(last[0])
                : Optional.empty();
    }

    /** Groups the entries of a scan into keys: a marker starts a key, its values follow it. */
    private static final class Exporter implements SortedStringMap.Visitor {
        private final Consumer<KeyValues> out;
        private final int maxKeys;
        private int flushed;
        private boolean stoppedEarly;
        private String marker;
        private KeyPath key;
        private SortedMap<String, String> values;

        Exporter(Consumer<KeyValues> out, int maxKeys) {
            this.out = out;
            this.maxKeys = maxKeys;
        }

        boolean stoppedEarly() {
            return stoppedEarly;
        }

        @Override
        public boolean visit(String id, String value) {
            if (StoreLayout.isMarker(id)) {
                flush();
                if (flushed >= maxKeys) {
                    // The page is full and another key follows.
                    stoppedEarly = true;
                    return false;
                }
                marker = id;
                key = StoreLayout.keyOf(id);
                values = new TreeMap<>();
            } else if (marker != null
                    && id.startsWith(marker)
                    && id.indexOf(StoreLayout.NAME) == marker.length() - 1) {
                values.put(id.substring(marker.length()), value);
            }
            return true;
        }

        void flush() {
            if (key != null) {
                flushed++;
                out.accept(new KeyValues(key, Collections.unmodifiableSortedMap(values)));
                key = null;
                marker = null;
            }
        }
    }

    /** Number of keys (the root not counted). */
    public long keyCount() {
        return keys;
    }

    /** Number of store entries: keys plus values. */
    public long entryCount() {
        return tree.count(0, 0);
    }

    // ---------------------------------------------------------------- writes on the primary

    /**
     * Creates the key (and missing ancestors) and sets {@code values}; other values are kept.
     *
     * @return the change, sequenced {@code lastSeq() + 1}
     * @throws RegistryException INVALID (value name empty or with control characters, root) or
     *     LIMIT (value size, values per key); nothing changes
     */
    public RegistryChange put(KeyPath key, Map<String, String> values) throws RegistryException {
        SortedMap<String, String> sorted = checkedPut(key, values);
        int after = sorted.size();
        for (String name : get(key).orElseGet(TreeMap::new).keySet()) {
            if (!sorted.containsKey(name)) {
                after++;
            }
        }
        checkValueCount(key, after);
        return sequenced(writePut(key, sorted, lastSeq + 1));
    }

    /**
     * Checks what {@link #put} checks that does not depend on the tree (the key, the value names
     * and sizes, the number of values given), without writing; safe from any thread.
     *
     * @throws RegistryException INVALID or LIMIT as put would
     */
    public void checkPut(KeyPath key, Map<String, String> values) throws RegistryException {
        checkedPut(key, values);
    }

    private void checkValueCount(KeyPath key, int count) throws RegistryException {
        if (count > limits.maxValuesPerKey()) {
            throw new RegistryException(
                    RegistryException.Kind.LIMIT,
                    "key '"
                            + key
                            + "' would hold "
                            + count
                            + " values, above the limit of "
                            + limits.maxValuesPerKey()
                            + " values per key");
        }
    }

    private SortedMap<String, String> checkedPut(KeyPath key, Map<String, String> values)
            throws RegistryException {
        if (key.isRoot()) {
            throw rootPut();
        }
        KeyPath.parse(key.toString(), limits);
        SortedMap<String, String> sorted = checkedValues(key, values, true);
        checkValueCount(key, sorted.size());
        return sorted;
    }

    /**
     * Removes one value.
     *
     * @throws RegistryException NOT_FOUND when the key or the value does not exist
     */
    public RegistryChange deleteValue(KeyPath key, String name) throws RegistryException {
        if (!exists(key)) {
            throw notFound(key);
        }
        if (name == null || name.isEmpty() || !removeEntry(StoreLayout.valueId(key, name))) {
            throw new RegistryException(
                    RegistryException.Kind.NOT_FOUND,
                    "key '"
                            + key
                            + "' has no value '"
                            + KeyPath.printable(String.valueOf(name))
                            + "'");
        }
        return sequenced(RegistryChange.deleteValue(lastSeq + 1, key, name));
    }

    /**
     * Removes the key with its values and subtree.
     *
     * @throws RegistryException NOT_FOUND when absent; INVALID for the root
     */
    public RegistryChange deleteKey(KeyPath key) throws RegistryException {
        if (key.isRoot()) {
            throw rootDelete();
        }
        if (!exists(key)) {
            throw notFound(key);
        }
        removeSubtree(key);
        return sequenced(RegistryChange.deleteKey(lastSeq + 1, key));
    }

    /** Makes every write so far durable (see {@link RegistryStore#commit()}). */
    public void commit() throws RegistryException {
        store.commit();
    }

    // ---------------------------------------------------------------- replication

    /** The sequence number of the last change made or applied here ({@code 0} when none). */
    public long lastSeq() {
        return lastSeq;
    }

    /**
     * Backup: applies a change the primary sequenced; afterwards {@link #lastSeq()} is its seq. A
     * change that no longer applies (a DELETE of something absent) is a no-op, since the tree it
     * was made on is reached anyway.
     *
     * <p>The primary checked its limits; this registry's own limits are not applied again, so that
     * the backup holds what the primary holds. Only the rules the store layout rests on are checked
     * (no root write, value names non-empty and without control characters).
     *
     * @throws RegistryException INVALID when {@code change.seq() <= lastSeq()}
     */
    public void applyReplicated(RegistryChange change) throws RegistryException {
        if (change.seq() <= lastSeq) {
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    "replicated change seq "
                            + change.seq()
                            + " is not after the last applied seq "
                            + lastSeq);
        }
        KeyPath key = change.key();
        switch (change.kind()) {
            case PUT -> {
                if (key.isRoot()) {
                    throw rootPut();
                }
                writePut(key, checkedValues(key, change.values(), false), change.seq());
            }
            case DELETE_VALUE -> {
                if (!change.name().isEmpty()) {
                    removeEntry(StoreLayout.valueId(key, change.name()));
                }
            }
            case DELETE_KEY -> {
                if (key.isRoot()) {
                    throw rootDelete();
                }
                removeSubtree(key);
            }
        }
        sequenced(change);
    }

    /** Backup, after a compare-and-update: the position the tree now corresponds to. */
    public void resetSeq(long seq) {
        lastSeq = seq;
        store.meta().put(SEQ, Long.toString(seq));
    }

    /** The hash tree over the entries, kept current by every write. */
    public HashTree hashTree() {
        return tree;
    }

    /** A bookkeeping value from the store's meta map, or {@code null}. */
    public String meta(String key) {
        return store.meta().get(key);
    }

    /**
     * Writes a bookkeeping value (durable at the next commit); {@code null} removes it.
     *
     * @throws IllegalArgumentException for {@code "seq"}, which only the registry writes
     */
    public void putMeta(String key, String value) {
        if (SEQ.equals(key)) {
            throw new IllegalArgumentException("meta 'seq' is the registry's own; use resetSeq");
        }
        if (value == null) {
            store.meta().remove(key);
        } else {
            store.meta().put(key, value);
        }
    }

    /**
     * Watchers: called after every change, local, replicated, or made by a compare-and-update (seq
     * 0), on the registry's thread. A watcher must not block or write to the registry.
     */
    public void addWatcher(Consumer<RegistryChange> watcher) {
        watchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    public void removeWatcher(Consumer<RegistryChange> watcher) {
        watchers.remove(watcher);
    }

    // ---------------------------------------------------------------- entries, for replication

    /** The value of an entry, or {@code null}. */
    String entry(String id) {
        return entries.get(id);
    }

    /**
     * Compare-and-update: sets one entry as the primary holds it; watchers see an unsequenced
     * change (a PUT of the key, with the value unless the entry is the marker).
     *
     * @return whether anything changed
     */
    boolean putReplicatedEntry(String id, String value) {
        if (!putEntry(id, value)) {
            return false;
        }
        if (!watchers.isEmpty()) {
            SortedMap<String, String> values = new TreeMap<>();
            if (!StoreLayout.isMarker(id)) {
                values.put(StoreLayout.nameOf(id), value);
            }
            notifyWatchers(RegistryChange.put(0, StoreLayout.keyOf(id), values));
        }
        return true;
    }

    /**
     * Compare-and-update: removes one entry the primary lacks; watchers see an unsequenced
     * DELETE_VALUE, or DELETE_KEY for a marker (the primary lacks the key, hence its subtree).
     *
     * @return whether anything changed
     */
    boolean removeReplicatedEntry(String id) {
        if (!removeEntry(id)) {
            return false;
        }
        if (!watchers.isEmpty()) {
            KeyPath key = StoreLayout.keyOf(id);
            notifyWatchers(
                    StoreLayout.isMarker(id)
                            ? RegistryChange.deleteKey(0, key)
                            : RegistryChange.deleteValue(0, key, StoreLayout.nameOf(id)));
        }
        return true;
    }

    /** Visits index entries: an entry's leaf, id and digest. */
    @FunctionalInterface
    interface IndexVisitor {
        /** Returns {@code false} to stop. */
        boolean visit(int leaf, String id, long digest);
    }

    /**
     * Visits the index entries of the leaves {@code [fromLeaf, toLeaf)} in index order (leaf, then
     * id); with {@code afterId}, starts right after {@code (fromLeaf, afterId)}. The visitor must
     * not write to the registry.
     */
    void scanIndex(int fromLeaf, String afterId, int toLeaf, IndexVisitor visitor) {
        String from = StoreLayout.leafHex(fromLeaf);
        if (afterId != null) {
            from = from + afterId + StoreLayout.NAME;
        }
        index.scan(
                from,
                StoreLayout.leafBound(toLeaf),
                (indexKey, digest) ->
                        visitor.visit(
                                StoreLayout.leafOfIndexKey(indexKey),
                                StoreLayout.idOfIndexKey(indexKey),
                                StoreLayout.parseDigest(digest)));
    }

    // ---------------------------------------------------------------- internals

    /** Values checked for a write: names always, sizes only for a local write. */
    private SortedMap<String, String> checkedValues(
            KeyPath key, Map<String, String> values, boolean checkLimits) throws RegistryException {
        RegistryLimits nameLimits = checkLimits ? limits : UNLIMITED;
        SortedMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String name = e.getKey();
            StoreLayout.checkName(key, name, false, nameLimits);
            String value = e.getValue();
            if (value == null) {
                throw new RegistryException(
                        RegistryException.Kind.INVALID,
                        "value '" + KeyPath.printable(name) + "' of key '" + key + "' is null");
            }
            if (checkLimits) {
                int unpaired = Utf8.firstUnpairedSurrogate(value);
                if (unpaired >= 0) {
                    throw new RegistryException(
                            RegistryException.Kind.INVALID,
                            "value '"
                                    + StoreLayout.shortened(name)
                                    + "' of key '"
                                    + key
                                    + "' has an unpaired UTF-16 surrogate at character "
                                    + unpaired
                                    + ": it has no UTF-8 form and would change on the way to the"
                                    + " backup");
                }
                int bytes = Utf8.length(value);
                if (bytes > limits.maxValueBytes()) {
                    throw new RegistryException(
                            RegistryException.Kind.LIMIT,
                            "value '"
                                    + StoreLayout.shortened(name)
                                    + "' of key '"
                                    + key
                                    + "' is "
                                    + bytes
                                    + " bytes, above the limit of "
                                    + limits.maxValueBytes());
                }
            }
            sorted.put(name, value);
        }
        return sorted;
    }

    /** Creates the key and its missing ancestors, then sets the values. */
    private RegistryChange writePut(KeyPath key, SortedMap<String, String> values, long seq) {
        StringBuilder prefix = new StringBuilder();
        for (String segment : key.segments()) {
            prefix.append(StoreLayout.SEGMENT).append(segment);
            String marker = prefix.toString() + StoreLayout.NAME;
            if (entries.get(marker) == null) {
                putEntry(marker, "");
            }
        }
        String marker = prefix.toString() + StoreLayout.NAME;
        for (Map.Entry<String, String> e : values.entrySet()) {
            putEntry(marker + e.getKey(), e.getValue());
        }
        return RegistryChange.put(seq, key, values);
    }

    /** Removes the key's marker, values and whole subtree: ids first, then the removals. */
    private void removeSubtree(KeyPath key) {
        String prefix = StoreLayout.keyPrefix(key);
        List<String> ids = new ArrayList<>();
        entries.scan(
                prefix + StoreLayout.NAME,
                prefix + StoreLayout.SUBTREE_END,
                (id, value) -> ids.add(id));
        for (String id : ids) {
            removeEntry(id);
        }
    }

    /** Sets one entry in the entries map, the index and the tree; false when it was already so. */
    private boolean putEntry(String id, String value) {
        String old = entries.get(id);
        if (value.equals(old)) {
            return false;
        }
        int leaf = HashTree.leafOf(id);
        String indexKey = StoreLayout.indexKey(leaf, id);
        if (old != null) {
            String oldDigest = index.get(indexKey);
            if (oldDigest != null) {
                tree.remove(leaf, StoreLayout.parseDigest(oldDigest));
            }
        } else if (StoreLayout.isMarker(id)) {
            keys++;
        }
        long digest = tree.entryDigest(id, value);
        entries.put(id, value);
        index.put(indexKey, StoreLayout.digestHex(digest));
        tree.add(leaf, digest);
        return true;
    }

    /** Removes one entry from the entries map, the index and the tree; false when absent. */
    private boolean removeEntry(String id) {
        if (entries.get(id) == null) {
            return false;
        }
        int leaf = HashTree.leafOf(id);
        String indexKey = StoreLayout.indexKey(leaf, id);
        String digest = index.get(indexKey);
        if (digest != null) {
            tree.remove(leaf, StoreLayout.parseDigest(digest));
            index.remove(indexKey);
        }
        entries.remove(id);
        if (StoreLayout.isMarker(id)) {
            keys--;
        }
        return true;
    }

    private RegistryChange sequenced(RegistryChange change) {
        lastSeq = change.seq();
        store.meta().put(SEQ, Long.toString(lastSeq));
        notifyWatchers(change);
        return change;
    }

    private void notifyWatchers(RegistryChange change) {
        for (Consumer<RegistryChange> watcher : List.copyOf(watchers)) {
            watcher.accept(change);
        }
    }

    private static RegistryException notFound(KeyPath key) {
        return new RegistryException(
                RegistryException.Kind.NOT_FOUND, "key '" + key + "' does not exist");
    }

    private static RegistryException rootPut() {
        return new RegistryException(
                RegistryException.Kind.INVALID,
                "cannot put values on the root key '/': the root holds no values");
    }

    private static RegistryException rootDelete() {
        return new RegistryException(
                RegistryException.Kind.INVALID, "the root key '/' cannot be deleted");
    }
}
