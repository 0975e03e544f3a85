package io.switchover.core.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
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
 */
public final class Registry {

    /** Opens the registry over {@code store}, rebuilding the hash tree from its index. */
    public Registry(RegistryStore store, RegistryLimits limits) {
        throw new UnsupportedOperationException("not yet");
    }

    public RegistryLimits limits() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Parses a key path under this registry's limits. */
    public KeyPath path(String path) throws RegistryException {
        return KeyPath.parse(path, limits());
    }

    // ---------------------------------------------------------------- reads

    /** The key's values (possibly none), or empty when the key does not exist. */
    public Optional<SortedMap<String, String>> get(KeyPath key) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The names of the key's children, in order.
     *
     * @throws RegistryException NOT_FOUND when the key does not exist
     */
    public List<String> children(KeyPath key) throws RegistryException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Every existing key at or below {@code subtree}, in path order, with its values; nothing when
     * {@code subtree} does not exist. The root itself is reported only if it holds values (never).
     */
    public void export(KeyPath subtree, Consumer<KeyValues> out) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Number of keys (the root not counted). */
    public long keyCount() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Number of store entries: keys plus values. */
    public long entryCount() {
        throw new UnsupportedOperationException("not yet");
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
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Removes one value.
     *
     * @throws RegistryException NOT_FOUND when the key or the value does not exist
     */
    public RegistryChange deleteValue(KeyPath key, String name) throws RegistryException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Removes the key with its values and subtree.
     *
     * @throws RegistryException NOT_FOUND when absent; INVALID for the root
     */
    public RegistryChange deleteKey(KeyPath key) throws RegistryException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Makes every write so far durable (see {@link RegistryStore#commit()}). */
    public void commit() throws RegistryException {
        throw new UnsupportedOperationException("not yet");
    }

    // ---------------------------------------------------------------- replication

    /** The sequence number of the last change made or applied here ({@code 0} when none). */
    public long lastSeq() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Backup: applies a change the primary sequenced; afterwards {@link #lastSeq()} is its seq. A
     * change that no longer applies (a DELETE of something absent) is a no-op, since the tree it
     * was made on is reached anyway.
     *
     * @throws RegistryException INVALID when {@code change.seq() <= lastSeq()}
     */
    public void applyReplicated(RegistryChange change) throws RegistryException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Backup, after a compare-and-update: the position the tree now corresponds to. */
    public void resetSeq(long seq) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The hash tree over the entries, kept current by every write. */
    public HashTree hashTree() {
        throw new UnsupportedOperationException("not yet");
    }

    /** A bookkeeping value from the store's meta map, or {@code null}. */
    public String meta(String key) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Writes a bookkeeping value (durable at the next commit); {@code null} removes it. */
    public void putMeta(String key, String value) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Watchers: called after every change, local, replicated, or made by a compare-and-update (seq
     * 0), on the registry's thread. A watcher must not block or write to the registry.
     */
    public void addWatcher(Consumer<RegistryChange> watcher) {
        throw new UnsupportedOperationException("not yet");
    }

    public void removeWatcher(Consumer<RegistryChange> watcher) {
        throw new UnsupportedOperationException("not yet");
    }
}
