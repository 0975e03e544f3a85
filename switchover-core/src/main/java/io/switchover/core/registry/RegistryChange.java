package io.switchover.core.registry;

import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One write to the registry as the primary sequenced it, and as it travels to the backup and to
 * watchers. Changes are logical (a subtree delete is one change), so a backup whose tree equals the
 * primary's at {@code seq - 1} reaches the primary's tree at {@code seq} by applying it.
 *
 * @param seq the primary's sequence number; {@code 0} for a change a compare-and-update made
 *     (watchers see those too, unsequenced)
 * @param kind what was done
 * @param key the key written or deleted
 * @param values PUT: the values set (others of the key are kept); empty otherwise
 * @param name DELETE_VALUE: the value's name; empty otherwise
 */
public record RegistryChange(
        long seq, Kind kind, KeyPath key, SortedMap<String, String> values, String name) {

    public enum Kind {
        /** Creates the key (and any missing ancestor) and sets the given values. */
        PUT,
        /** Removes one named value of the key. */
        DELETE_VALUE,
        /** Removes the key, its values and its whole subtree. */
        DELETE_KEY
    }

    public RegistryChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        values = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(values));
        Objects.requireNonNull(name, "name");
    }

    public static RegistryChange put(long seq, KeyPath key, SortedMap<String, String> values) {
        return new RegistryChange(seq, Kind.PUT, key, values, "");
    }

    public static RegistryChange deleteValue(long seq, KeyPath key, String name) {
        return new RegistryChange(seq, Kind.DELETE_VALUE, key, new TreeMap<>(), name);
    }

    public static RegistryChange deleteKey(long seq, KeyPath key) {
        return new RegistryChange(seq, Kind.DELETE_KEY, key, new TreeMap<>(), "");
    }
}
