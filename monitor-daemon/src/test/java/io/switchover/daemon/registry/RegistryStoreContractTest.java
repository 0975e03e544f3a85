package io.switchover.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.registry.RegistryStore;
import io.switchover.core.registry.SortedStringMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RegistryStore} does, as the port's Javadoc says it: run over the core's memory
 * store and over the daemon's MVStore, so that the registry's tests in the core hold for the store
 * it runs on. Durability is not part of it (the memory store has none); {@link MvRegistryStoreTest}
 * covers that.
 */
abstract class RegistryStoreContractTest {

    /**
     * Keys in {@link String#compareTo} order (UTF-16 code units), chosen where orders differ: the
     * registry's separators U+0000 and U+0001 below everything, a prefix before its extensions,
     * upper case before lower case, and a supplementary character (surrogates, U+D83D) before
     * U+FFFD although its code point is higher.
     */
    static final List<String> ORDERED_KEYS =
            List.of(
                    "",
                    "\u0000",
                    "\u0001a\u0000",
                    "\u0001a\u0000x",
                    "\u0001a\u0001b\u0000",
                    "/",
                    "A",
                    "a",
                    "ab",
                    "b",
                    "é",
                    "\uD83D\uDE00",
                    "\uFFFD");

    RegistryStore store;

    /** A new, empty store. */
    abstract RegistryStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void get_absentKey_isNull() {
        assertThat(store.entries().get("/missing")).isNull();
    }

    @Test
    void put_thenGet_returnsTheValueBeforeAnyCommit() {
        store.entries().put("k", "v");

        assertThat(store.entries().get("k")).isEqualTo("v");
    }

    @Test
    void put_existingKey_replacesTheValue() {
        store.entries().put("k", "old");
        store.entries().put("k", "new");

        assertThat(store.entries().get("k")).isEqualTo("new");
        assertThat(store.entries().size()).isEqualTo(1);
    }

    @Test
    void put_emptyAndLargeValues_areKeptExactly() {
        String large = "x".repeat(70_000) + "é\uD83D\uDE00";
        store.entries().put("empty", "");
        store.entries().put("large", large);

        assertThat(store.entries().get("empty")).isEmpty();
        assertThat(store.entries().get("large")).isEqualTo(large);
    }

    @Test
    void remove_presentKey_removesIt() {
        store.entries().put("a", "1");
        store.entries().put("b", "2");

        store.entries().remove("a");

        assertThat(store.entries().get("a")).isNull();
        assertThat(store.entries().size()).isEqualTo(1);
    }

    @Test
    void remove_absentKey_changesNothing() {
        store.entries().put("a", "1");

        store.entries().remove("b");

        assertThat(contents(store.entries())).containsExactly(Map.entry("a", "1"));
    }

    @Test
    void size_countsPutsOverwritesAndRemoves() {
        SortedStringMap map = store.entries();
        assertThat(map.size()).isZero();
        for (int i = 0; i < 100; i++) {
            map.put("k" + i, "v");
        }
        map.put("k0", "again");
        map.remove("k1");
        map.remove("absent");

        assertThat(map.size()).isEqualTo(99);
    }

    @Test
    void scan_wholeMap_visitsKeysInStringCompareToOrder() {
        putReversed(store.entries(), ORDERED_KEYS);

        assertThat(keys(store.entries(), "", null)).containsExactlyElementsOf(ORDERED_KEYS);
    }

    @Test
    void scan_bounds_includeFromAndExcludeTo() {
        putAll(store.entries(), "a", "b", "c", "d");

        assertThat(keys(store.entries(), "b", "d")).containsExactly("b", "c");
        assertThat(keys(store.entries(), "b", null)).containsExactly("b", "c", "d");
        assertThat(keys(store.entries(), "bb", "cc")).containsExactly("c");
        assertThat(keys(store.entries(), "c", "c")).isEmpty();
        assertThat(keys(store.entries(), "e", null)).isEmpty();
    }

    @Test
    void scan_keyPrefixRange_visitsExactlyTheSubtree() {
        // How the registry reads a key's entries and subtree: from its marker to the next sibling.
        putAll(
                store.entries(),
                "\u0001a\u0000",
                "\u0001a\u0000v",
                "\u0001a\u0001b\u0000",
                "\u0001ab\u0000",
                "\u0001b\u0000");

        assertThat(keys(store.entries(), "\u0001a\u0000", "\u0001a\u0002"))
                .containsExactly("\u0001a\u0000", "\u0001a\u0000v", "\u0001a\u0001b\u0000");
    }

    @Test
    void scan_visitorReturnsFalse_stopsAtOnce() {
        putAll(store.entries(), "a", "b", "c", "d");
        List<String> visited = new ArrayList<>();

        store.entries()
                .scan(
                        "",
                        null,
                        (key, value) -> {
                            visited.add(key);
                            return visited.size() < 2;
                        });

        assertThat(visited).containsExactly("a", "b");
    }

    @Test
    void scan_passesEachKeysValue() {
        store.entries().put("a", "1");
        store.entries().put("b", "2");

        assertThat(contents(store.entries()))
                .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void scan_emptyMap_visitsNothing() {
        assertThat(keys(store.entries(), "", null)).isEmpty();
    }

    @Test
    void ceilingKey_presentKey_isThatKey() {
        putAll(store.entries(), "b", "d");

        assertThat(store.entries().ceilingKey("b")).isEqualTo("b");
    }

    @Test
    void ceilingKey_betweenKeys_isTheNextOne() {
        putAll(store.entries(), "b", "d");

        assertThat(store.entries().ceilingKey("a")).isEqualTo("b");
        assertThat(store.entries().ceilingKey("c")).isEqualTo("d");
        assertThat(store.entries().ceilingKey("b\u0000")).isEqualTo("d");
    }

    @Test
    void ceilingKey_pastTheLastKeyOrEmptyMap_isNull() {
        assertThat(store.entries().ceilingKey("")).isNull();
        putAll(store.entries(), "b", "d");

        assertThat(store.entries().ceilingKey("d\u0000")).isNull();
    }

    @Test
    void ceilingKey_followsStringCompareToOrder() {
        putReversed(store.entries(), ORDERED_KEYS);

        for (int i = 1; i < ORDERED_KEYS.size(); i++) {
            String key = ORDERED_KEYS.get(i);
            assertThat(store.entries().ceilingKey(ORDERED_KEYS.get(i - 1) + "\u0000"))
                    .as("ceiling of the key before %s", key)
                    .isEqualTo(key);
        }
    }

    @Test
    void maps_sameKeyInEachMap_areIndependent() {
        store.entries().put("k", "entry");
        store.index().put("k", "index");
        store.meta().put("k", "meta");
        store.index().remove("k");

        assertThat(store.entries().get("k")).isEqualTo("entry");
        assertThat(store.index().get("k")).isNull();
        assertThat(store.meta().get("k")).isEqualTo("meta");
        assertThat(store.entries().size()).isEqualTo(1);
        assertThat(store.index().size()).isZero();
    }

    @Test
    void commit_keepsEverythingVisibleAndWritesContinue() throws Exception {
        store.entries().put("a", "1");
        store.commit();
        store.entries().put("b", "2");
        store.commit();
        store.commit();

        assertThat(contents(store.entries()))
                .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    // ---------------------------------------------------------------- helpers

    static void putAll(SortedStringMap map, String... keys) {
        for (String key : keys) {
            map.put(key, "value of " + key);
        }
    }

    /** Inserted backwards, so that an order kept by insertion would show. */
    static void putReversed(SortedStringMap map, List<String> keys) {
        for (int i = keys.size() - 1; i >= 0; i--) {
            map.put(keys.get(i), "value of " + keys.get(i));
        }
    }

    static List<String> keys(SortedStringMap map, String from, String to) {
        List<String> keys = new ArrayList<>();
        map.scan(from, to, (key, value) -> keys.add(key));
        return keys;
    }

    static Map<String, String> contents(SortedStringMap map) {
        Map<String, String> contents = new LinkedHashMap<>();
        map.scan(
                "",
                null,
                (key, value) -> {
                    contents.put(key, value);
                    return true;
                });
        return contents;
    }
}
