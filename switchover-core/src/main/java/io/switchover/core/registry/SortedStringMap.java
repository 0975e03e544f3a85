package io.switchover.core.registry;

/**
 * One ordered map of a {@link RegistryStore}: string keys in {@link String#compareTo} order, string
 * values. Writes are visible to reads at once and become durable together at the store's next
 * {@link RegistryStore#commit()}.
 */
public interface SortedStringMap {

    /** Visits entries in key order; returns {@code false} to stop. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(String key, String value);
    }

    /** The value, or {@code null} when the key is absent. */
    String get(String key);

    void put(String key, String value);

    /** Removes the key if present. */
    void remove(String key);

    /** The least key greater than or equal to {@code key}, or {@code null}. */
    String ceilingKey(String key);

    /**
     * Visits the entries with {@code from <= key < to} in key order until the visitor returns
     * {@code false}. {@code to == null} means no upper bound. The visitor must not write to the
     * map; collect what to change and change it after the scan.
     */
    void scan(String from, String to, Visitor visitor);

    /** The number of entries. */
    long size();
}
