package io.switchover.core.registry;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A registry store held in memory: for tests, simulations and benchmarks of the logic. Commits are
 * no-ops (nothing survives the process).
 */
public final class MemoryRegistryStore implements RegistryStore {
    private final MemoryMap entries = new MemoryMap();
    private final MemoryMap index = new MemoryMap();
    private final MemoryMap meta = new MemoryMap();
    private long commits;

    @Override
    public SortedStringMap entries() {
        return entries;
    }

    @Override
    public SortedStringMap index() {
        return index;
    }

    @Override
    public SortedStringMap meta() {
        return meta;
    }

    @Override
    public void commit() {
        commits++;
    }

    /** How many times {@link #commit()} was called, for tests. */
    public long commits() {
        return commits;
    }

    @Override
    public void close() {}

    private static final class MemoryMap implements SortedStringMap {
        private final NavigableMap<String, String> map = new TreeMap<>();

        @Override
        public String get(String key) {
            return map.get(key);
        }

        @Override
        public void put(String key, String value) {
            map.put(key, value);
        }

        @Override
        public void remove(String key) {
            map.remove(key);
        }

        @Override
        public String ceilingKey(String key) {
            return map.ceilingKey(key);
        }

        @Override
        public void scan(String from, String to, Visitor visitor) {
            NavigableMap<String, String> range =
                    to == null ? map.tailMap(from, true) : map.subMap(from, true, to, false);
            for (Map.Entry<String, String> e : range.entrySet()) {
                if (!visitor.visit(e.getKey(), e.getValue())) {
                    return;
                }
            }
        }

        @Override
        public long size() {
            return map.size();
        }
    }
}
