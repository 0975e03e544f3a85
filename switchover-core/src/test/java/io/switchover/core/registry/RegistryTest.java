package io.switchover.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RegistryTest {

    private final MemoryRegistryStore store = new MemoryRegistryStore();
    private final Registry registry = new Registry(store, RegistryLimits.DEFAULT);

    private KeyPath k(String path) throws RegistryException {
        return registry.path(path);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(
            RegistryException.Kind kind, ThrowingCallable call) {
        return assertThatThrownBy(call)
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(kind));
    }

    private static TreeMap<String, String> values(String... nameValue) {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put(nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    // ---------------------------------------------------------------- put and get

    @Test
    void put_newKey_createsItAndItsAncestors() throws Exception {
        RegistryChange change = registry.put(k("/Site/Lines/Line1"), Map.of("Number", "100"));

        assertThat(change)
                .isEqualTo(RegistryChange.put(1, k("/Site/Lines/Line1"), values("Number", "100")));
        assertThat(registry.get(k("/Site"))).contains(values());
        assertThat(registry.get(k("/Site/Lines"))).contains(values());
        assertThat(registry.get(k("/Site/Lines/Line1"))).contains(values("Number", "100"));
        assertThat(registry.keyCount()).isEqualTo(3);
        assertThat(registry.entryCount()).isEqualTo(4);
        assertThat(store.entries().get("\u0001Site\u0001Lines\u0001Line1\u0000Number"))
                .isEqualTo("100");
        assertThat(store.entries().get("\u0001Site\u0000")).isEmpty();
    }

    @Test
    void put_emptyMap_justCreatesTheKey() throws Exception {
        registry.put(k("/a"), Map.of());
        assertThat(registry.get(k("/a"))).contains(values());
        assertThat(registry.entryCount()).isEqualTo(1);
        assertThat(registry.lastSeq()).isEqualTo(1);
    }

    @Test
    void put_existingKey_setsGivenValuesAndKeepsOthers() throws Exception {
        registry.put(k("/a"), Map.of("x", "1", "y", "2"));
        registry.put(k("/a"), Map.of("y", "3", "z", "4"));
        assertThat(registry.get(k("/a"))).contains(values("x", "1", "y", "3", "z", "4"));
        assertThat(registry.entryCount()).isEqualTo(4);
    }

    @Test
    void put_valueWithControlCharactersAndUnicode_storedAsIs() throws Exception {
        String value = "line one\nline two\ttab\u0000nul \u00e9\ud83d\ude00";
        registry.put(k("/a"), Map.of("text", value, "name with spaces/and:punctuation", "v"));
        assertThat(registry.get(k("/a")))
                .contains(values("name with spaces/and:punctuation", "v", "text", value));
    }

    @Test
    void get_absentKey_empty_rootAlwaysExistsWithoutValues() throws Exception {
        assertThat(registry.get(k("/nothing"))).isEmpty();
        assertThat(registry.get(KeyPath.ROOT)).contains(values());
        registry.put(k("/a"), Map.of("x", "1"));
        assertThat(registry.get(k("/a/b"))).isEmpty();
        assertThat(registry.get(KeyPath.ROOT)).contains(values());
    }

    @Test
    void get_valuesOfSubkeysAndLookalikes_notMixedIn() throws Exception {
        registry.put(k("/a"), Map.of("x", "1"));
        registry.put(k("/a/b"), Map.of("x", "2"));
        registry.put(k("/ab"), Map.of("x", "3"));
        registry.put(k("/a b"), Map.of("x", "4"));
        assertThat(registry.get(k("/a"))).contains(values("x", "1"));
        assertThat(registry.get(k("/a/b"))).contains(values("x", "2"));
    }

    // ---------------------------------------------------------------- validation and limits

    @Test
    void put_unpairedSurrogate_inValueNameOrPath_invalidBeforeAnythingChanges() throws Exception {
        String lone = "x\uD800y";
        assertFails(RegistryException.Kind.INVALID, () -> registry.put(k("/a"), Map.of("v", lone)))
                .hasMessageContaining("value 'v' of key '/a' has an unpaired UTF-16 surrogate");
        assertFails(RegistryException.Kind.INVALID, () -> registry.put(k("/a"), Map.of(lone, "1")))
                .hasMessageContaining("unpaired UTF-16 surrogate (U+D800)");
        assertFails(
                        RegistryException.Kind.INVALID,
                        () -> KeyPath.parse("/a/" + lone, RegistryLimits.DEFAULT))
                .hasMessageContaining("unpaired UTF-16 surrogate (U+D800)");
        assertThat(registry.lastSeq()).isZero();
        assertThat(registry.exists(k("/a"))).isFalse();
    }

    @Test
    void put_pairedSurrogates_emoji_storedAsIs() throws Exception {
        registry.put(k("/emoji\uD83D\uDE00"), Map.of("face\uD83D\uDE00", "\uD83D\uDE00"));
        assertThat(registry.get(k("/emoji\uD83D\uDE00")))
                .contains(values("face\uD83D\uDE00", "\uD83D\uDE00"));
    }

    @Test
    void put_root_invalid() {
        assertFails(RegistryException.Kind.INVALID, () -> registry.put(KeyPath.ROOT, Map.of()))
                .hasMessageContaining("root");
        assertThat(registry.lastSeq()).isZero();
    }

    @Test
    void put_emptyValueName_invalidNamingTheKey() {
        assertFails(RegistryException.Kind.INVALID, () -> registry.put(k("/a/b"), Map.of("", "1")))
                .hasMessage("value name is empty (key '/a/b')");
        assertThat(registry.entryCount()).isZero();
    }

    @Test
    void put_controlCharacterInValueName_invalidNamingKeyNameAndCharacter() {
        assertFails(
                        RegistryException.Kind.INVALID,
                        () -> registry.put(k("/a"), Map.of("bad\u0007name", "1")))
                .hasMessage(
                        "value name 'bad\\u0007name' of key '/a' has a control character (U+0007)");
    }

    @Test
    void put_valueNameTooLong_limitNamingKeyNameAndLimit() {
        String name = "n".repeat(256);
        assertFails(RegistryException.Kind.LIMIT, () -> registry.put(k("/a"), Map.of(name, "1")))
                .hasMessageContaining("value name '" + "n".repeat(40) + "...'")
                .hasMessageContaining("key '/a'")
                .hasMessageContaining("256 bytes, above the limit of 255");
    }

    @Test
    void put_valueTooLarge_limitNamingKeyValueAndLimit() throws Exception {
        Registry small =
                new Registry(new MemoryRegistryStore(), new RegistryLimits(8, 16, 16, 10, 3));
        small.put(small.path("/a"), Map.of("v", "\u00e9".repeat(5)));
        assertFails(
                        RegistryException.Kind.LIMIT,
                        () -> small.put(small.path("/a"), Map.of("w", "\u00e9".repeat(5) + "x")))
                .hasMessage("value 'w' of key '/a' is 11 bytes, above the limit of 10");
    }

    @Test
    void put_valuesPerKeyCountedAfterThePut_limit() throws Exception {
        Registry small =
                new Registry(new MemoryRegistryStore(), new RegistryLimits(8, 16, 16, 10, 3));
        KeyPath a = small.path("/a");
        small.put(a, Map.of("x", "1", "y", "2"));
        small.put(a, Map.of("y", "3", "z", "4"));
        small.put(a, Map.of("x", "5"));
        assertFails(RegistryException.Kind.LIMIT, () -> small.put(a, Map.of("w", "1", "x", "2")))
                .hasMessage("key '/a' would hold 4 values, above the limit of 3 values per key");
        assertThat(small.get(a)).contains(values("x", "5", "y", "3", "z", "4"));
        assertThat(small.lastSeq()).isEqualTo(3);
    }

    @Test
    void put_keyBeyondTheRegistrysLimits_limit() throws Exception {
        Registry shallow =
                new Registry(new MemoryRegistryStore(), new RegistryLimits(2, 16, 16, 10, 3));
        KeyPath deep = KeyPath.parse("/a/b/c", RegistryLimits.DEFAULT);
        assertFails(RegistryException.Kind.LIMIT, () -> shallow.put(deep, Map.of()))
                .hasMessageContaining("'/a/b/c'")
                .hasMessageContaining("limit of 2");
        assertThat(shallow.entryCount()).isZero();
    }

    @Test
    void put_failure_changesNothing() throws Exception {
        registry.put(k("/a"), Map.of("x", "1"));
        long digest = registry.hashTree().digest(0, 0);
        Map<String, String> bad = new TreeMap<>(Map.of("ok", "1", "z\u0001", "2"));
        assertFails(RegistryException.Kind.INVALID, () -> registry.put(k("/b/c"), bad));
        assertThat(registry.hashTree().digest(0, 0)).isEqualTo(digest);
        assertThat(registry.get(k("/b"))).isEmpty();
        assertThat(registry.lastSeq()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- children and export

    @Test
    void children_inSegmentOrder_lookalikeNamesIncluded() throws Exception {
        for (String p : List.of("/b", "/a b", "/ab", "/a/x/y", "/a-b", "/a", "/A", "/\u00e9")) {
            registry.put(k(p), Map.of("v", p));
        }
        assertThat(registry.children(KeyPath.ROOT))
                .containsExactly("A", "a", "a b", "a-b", "ab", "b", "\u00e9");
        assertThat(registry.children(k("/a"))).containsExactly("x");
        assertThat(registry.children(k("/a/x/y"))).isEmpty();
    }

    @Test
    void children_absentKey_notFound() {
        assertFails(RegistryException.Kind.NOT_FOUND, () -> registry.children(k("/none")))
                .hasMessage("key '/none' does not exist");
    }

    @Test
    void children_largeSubtrees_skippedWithOneLookupPerChild() throws Exception {
        CountingStore counting = new CountingStore();
        Registry r = new Registry(counting, RegistryLimits.DEFAULT);
        for (String child : List.of("a", "b", "c")) {
            for (int i = 0; i < 300; i++) {
                r.put(r.path("/" + child + "/sub" + i), Map.of("x", "1", "y", "2"));
            }
        }
        counting.ceilingKeys = 0;
        counting.scanned = 0;
        assertThat(r.children(KeyPath.ROOT)).containsExactly("a", "b", "c");
        assertThat(counting.ceilingKeys).isEqualTo(4);
        assertThat(counting.scanned).isZero();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "pages of {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 7, 1000})
    void exportPage_pagesInSequence_equalTheWholeExport(int pageSize) throws Exception {
        for (String p : List.of("/a", "/a/b", "/a/b/d", "/a/c", "/a-x", "/ab", "/b/c/d/e")) {
            registry.put(k(p), Map.of("v", p));
        }
        for (KeyPath subtree : List.of(KeyPath.ROOT, k("/a"), k("/b"), k("/nope"))) {
            List<KeyValues> whole = new ArrayList<>();
            registry.export(subtree, whole::add);
            List<KeyValues> paged = new ArrayList<>();
            java.util.Optional<KeyPath> after = java.util.Optional.empty();
            int pages = 0;
            do {
                int before = paged.size();
                after = registry.exportPage(subtree, after, pageSize, paged::add);
                assertThat(paged.size() - before).isLessThanOrEqualTo(pageSize);
                pages++;
            } while (after.isPresent() && pages < 100);
            assertThat(paged).as("subtree %s", subtree).isEqualTo(whole);
        }
    }

    @Test
    void export_subtreeInPathOrder_withValues() throws Exception {
        registry.put(k("/a/c"), Map.of("x", "3"));
        registry.put(k("/a"), Map.of("x", "1", "y", "2"));
        registry.put(k("/a/b/d"), Map.of());
        registry.put(k("/ab"), Map.of("x", "9"));
        List<KeyValues> out = new ArrayList<>();
        registry.export(k("/a"), out::add);
        assertThat(out)
                .containsExactly(
                        new KeyValues(k("/a"), values("x", "1", "y", "2")),
                        new KeyValues(k("/a/b"), values()),
                        new KeyValues(k("/a/b/d"), values()),
                        new KeyValues(k("/a/c"), values("x", "3")));

        List<KeyValues> all = new ArrayList<>();
        registry.export(KeyPath.ROOT, all::add);
        assertThat(all)
                .extracting(KeyValues::key)
                .extracting(KeyPath::toString)
                .containsExactly("/a", "/a/b", "/a/b/d", "/a/c", "/ab");

        List<KeyValues> none = new ArrayList<>();
        registry.export(k("/zz"), none::add);
        assertThat(none).isEmpty();
    }

    // ---------------------------------------------------------------- deletes

    @Test
    void deleteValue_removesOnlyThatValue() throws Exception {
        registry.put(k("/a"), Map.of("x", "1", "y", "2"));
        RegistryChange change = registry.deleteValue(k("/a"), "x");
        assertThat(change).isEqualTo(RegistryChange.deleteValue(2, k("/a"), "x"));
        assertThat(registry.get(k("/a"))).contains(values("y", "2"));
        assertThat(registry.entryCount()).isEqualTo(2);
    }

    @Test
    void deleteValue_absentKeyOrValue_notFoundNamingThem() throws Exception {
        registry.put(k("/a"), Map.of("x", "1"));
        assertFails(RegistryException.Kind.NOT_FOUND, () -> registry.deleteValue(k("/b"), "x"))
                .hasMessage("key '/b' does not exist");
        assertFails(RegistryException.Kind.NOT_FOUND, () -> registry.deleteValue(k("/a"), "y"))
                .hasMessage("key '/a' has no value 'y'");
        assertFails(RegistryException.Kind.NOT_FOUND, () -> registry.deleteValue(k("/a"), ""))
                .hasMessage("key '/a' has no value ''");
        assertThat(registry.lastSeq()).isEqualTo(1);
    }

    @Test
    void deleteKey_removesMarkerValuesAndSubtree_keepsLookalikes() throws Exception {
        registry.put(k("/a/b/c"), Map.of("x", "1"));
        registry.put(k("/a"), Map.of("x", "1"));
        registry.put(k("/ab"), Map.of("x", "2"));
        registry.put(k("/a b/c"), Map.of("x", "3"));
        registry.put(k("/b"), Map.of());
        long entriesBefore = registry.entryCount();

        RegistryChange change = registry.deleteKey(k("/a"));

        assertThat(change).isEqualTo(RegistryChange.deleteKey(6, k("/a")));
        assertThat(registry.get(k("/a"))).isEmpty();
        assertThat(registry.get(k("/a/b/c"))).isEmpty();
        assertThat(registry.children(KeyPath.ROOT)).containsExactly("a b", "ab", "b");
        assertThat(registry.entryCount()).isEqualTo(entriesBefore - 5);
        assertThat(registry.keyCount()).isEqualTo(4);
        HashTreeTest.assertSameTree(
                registry.hashTree(), new Registry(store, RegistryLimits.DEFAULT).hashTree());
    }

    @Test
    void deleteKey_rootOrAbsent_refused() throws Exception {
        assertFails(RegistryException.Kind.INVALID, () -> registry.deleteKey(KeyPath.ROOT))
                .hasMessage("the root key '/' cannot be deleted");
        assertFails(RegistryException.Kind.NOT_FOUND, () -> registry.deleteKey(k("/a")))
                .hasMessage("key '/a' does not exist");
    }

    // ---------------------------------------------------------------- sequence, meta, watchers

    @Test
    void seq_incrementsPerWrite_persistedInMeta_survivesReopen() throws Exception {
        registry.put(k("/a"), Map.of("x", "1"));
        registry.deleteValue(k("/a"), "x");
        registry.deleteKey(k("/a"));
        assertThat(registry.lastSeq()).isEqualTo(3);
        assertThat(registry.meta("seq")).isEqualTo("3");
        registry.commit();
        assertThat(store.commits()).isEqualTo(1);
        assertThat(new Registry(store, RegistryLimits.DEFAULT).lastSeq()).isEqualTo(3);

        registry.resetSeq(42);
        assertThat(registry.lastSeq()).isEqualTo(42);
        assertThat(new Registry(store, RegistryLimits.DEFAULT).lastSeq()).isEqualTo(42);
        assertThat(registry.put(k("/b"), Map.of()).seq()).isEqualTo(43);
    }

    @Test
    void meta_bookkeepingValues_seqReserved() {
        registry.putMeta("origin", "node-a");
        assertThat(registry.meta("origin")).isEqualTo("node-a");
        registry.putMeta("origin", null);
        assertThat(registry.meta("origin")).isNull();
        assertThatIllegalArgumentException().isThrownBy(() -> registry.putMeta("seq", "9"));
    }

    @Test
    void watchers_seeEveryChangeAfterItIsMade_untilRemoved() throws Exception {
        List<RegistryChange> seen = new ArrayList<>();
        java.util.function.Consumer<RegistryChange> watcher =
                c -> {
                    seen.add(c);
                    assertThat(registry.lastSeq()).isEqualTo(c.seq());
                };
        registry.addWatcher(watcher);
        RegistryChange put = registry.put(k("/a/b"), Map.of("x", "1"));
        RegistryChange del = registry.deleteKey(k("/a"));
        registry.applyReplicated(RegistryChange.put(10, k("/c"), values("y", "2")));
        registry.removeWatcher(watcher);
        registry.put(k("/d"), Map.of());
        assertThat(seen)
                .containsExactly(put, del, RegistryChange.put(10, k("/c"), values("y", "2")));
    }

    // ---------------------------------------------------------------- replication

    @Test
    void applyReplicated_seqNotAfterLast_invalid() throws Exception {
        registry.applyReplicated(RegistryChange.put(5, k("/a"), values("x", "1")));
        assertFails(
                        RegistryException.Kind.INVALID,
                        () -> registry.applyReplicated(RegistryChange.deleteKey(5, k("/a"))))
                .hasMessage("replicated change seq 5 is not after the last applied seq 5");
        assertFails(
                RegistryException.Kind.INVALID,
                () -> registry.applyReplicated(RegistryChange.deleteKey(4, k("/a"))));
        assertThat(registry.get(k("/a"))).contains(values("x", "1"));
        registry.applyReplicated(RegistryChange.deleteKey(9, k("/a")));
        assertThat(registry.get(k("/a"))).isEmpty();
        assertThat(registry.lastSeq()).isEqualTo(9);
    }

    @Test
    void applyReplicated_deletesOfAbsentThings_noOpsThatAdvanceSeq() throws Exception {
        registry.applyReplicated(RegistryChange.deleteKey(1, k("/a")));
        registry.applyReplicated(RegistryChange.deleteValue(2, k("/a"), "x"));
        assertThat(registry.lastSeq()).isEqualTo(2);
        assertThat(registry.entryCount()).isZero();
    }

    @Test
    void applyReplicated_primaryHadLargerLimits_backupHoldsTheSame() throws Exception {
        Registry small =
                new Registry(new MemoryRegistryStore(), new RegistryLimits(8, 16, 4, 4, 1));
        KeyPath key = KeyPath.parse("/a", RegistryLimits.DEFAULT);
        small.applyReplicated(
                RegistryChange.put(1, key, values("long name", "long value", "b", "c")));
        assertThat(small.get(key)).contains(values("long name", "long value", "b", "c"));
        assertFails(
                RegistryException.Kind.INVALID,
                () -> small.applyReplicated(RegistryChange.put(2, KeyPath.ROOT, values())));
    }

    @Test
    void replicatedEntries_keepIndexAndTreeInStep_watchersSeeUnsequencedChanges() throws Exception {
        List<RegistryChange> seen = new ArrayList<>();
        registry.addWatcher(seen::add);
        assertThat(registry.putReplicatedEntry("\u0001a\u0000", "")).isTrue();
        assertThat(registry.putReplicatedEntry("\u0001a\u0000x", "1")).isTrue();
        assertThat(registry.putReplicatedEntry("\u0001a\u0000x", "1")).isFalse();
        assertThat(registry.putReplicatedEntry("\u0001a\u0000x", "2")).isTrue();
        assertThat(registry.get(k("/a"))).contains(values("x", "2"));
        assertThat(registry.entry("\u0001a\u0000x")).isEqualTo("2");
        HashTreeTest.assertSameTree(
                registry.hashTree(), new Registry(store, RegistryLimits.DEFAULT).hashTree());

        assertThat(registry.removeReplicatedEntry("\u0001a\u0000x")).isTrue();
        assertThat(registry.removeReplicatedEntry("\u0001a\u0000x")).isFalse();
        assertThat(registry.removeReplicatedEntry("\u0001a\u0000")).isTrue();
        assertThat(registry.entryCount()).isZero();
        assertThat(registry.keyCount()).isZero();
        assertThat(registry.hashTree().digest(0, 0)).isZero();
        assertThat(seen)
                .containsExactly(
                        RegistryChange.put(0, k("/a"), values()),
                        RegistryChange.put(0, k("/a"), values("x", "1")),
                        RegistryChange.put(0, k("/a"), values("x", "2")),
                        RegistryChange.deleteValue(0, k("/a"), "x"),
                        RegistryChange.deleteKey(0, k("/a")));
        assertThat(registry.lastSeq()).isZero();
    }

    @Test
    void scanIndex_leafRangeInIndexOrder_resumesAfterACursor() throws Exception {
        for (int i = 0; i < 500; i++) {
            registry.put(k("/k" + i), Map.of("v", "" + i));
        }
        List<String> all = new ArrayList<>();
        List<Integer> leaves = new ArrayList<>();
        registry.scanIndex(
                0,
                null,
                HashTree.LEAVES,
                (leaf, id, digest) -> {
                    assertThat(leaf).isEqualTo(HashTree.leafOf(id));
                    assertThat(digest).isEqualTo(HashTree.digestOf(id, registry.entry(id)));
                    all.add(id);
                    leaves.add(leaf);
                    return true;
                });
        assertThat(all).hasSize(1000);
        assertThat(leaves).isSorted();

        int cursor = 400;
        List<String> rest = new ArrayList<>();
        registry.scanIndex(
                leaves.get(cursor),
                all.get(cursor),
                HashTree.LEAVES,
                (leaf, id, digest) -> rest.add(id));
        assertThat(rest).isEqualTo(all.subList(cursor + 1, all.size()));

        List<String> middle = new ArrayList<>();
        registry.scanIndex(0x4000, null, 0x8000, (leaf, id, digest) -> middle.add(id));
        assertThat(middle)
                .isNotEmpty()
                .allSatisfy(id -> assertThat(HashTree.leafOf(id)).isBetween(0x4000, 0x7fff));
    }

    @Test
    void reopen_sameStore_identicalTreeCountsAndContent() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            registry.put(k("/k" + (i % 97) + "/s" + (i % 13)), Map.of("v" + (i % 5), "" + i));
        }
        registry.deleteKey(k("/k3"));
        Registry reopened = new Registry(store, RegistryLimits.DEFAULT);
        HashTreeTest.assertSameTree(registry.hashTree(), reopened.hashTree());
        assertThat(reopened.keyCount()).isEqualTo(registry.keyCount());
        assertThat(reopened.entryCount()).isEqualTo(registry.entryCount());
        assertThat(reopened.entryCount()).isEqualTo(store.entries().size());
        assertThat(store.index().size()).isEqualTo(store.entries().size());
    }

    /** A memory store that counts the lookups of its entries map. */
    private static final class CountingStore implements RegistryStore {
        private final MemoryRegistryStore inner = new MemoryRegistryStore();
        int ceilingKeys;
        int scanned;

        private final SortedStringMap entries =
                new SortedStringMap() {
                    @Override
                    public String get(String key) {
                        return inner.entries().get(key);
                    }

                    @Override
                    public void put(String key, String value) {
                        inner.entries().put(key, value);
                    }

                    @Override
                    public void remove(String key) {
                        inner.entries().remove(key);
                    }

                    @Override
                    public String ceilingKey(String key) {
                        ceilingKeys++;
                        return inner.entries().ceilingKey(key);
                    }

                    @Override
                    public void scan(String from, String to, Visitor visitor) {
                        inner.entries()
                                .scan(
                                        from,
                                        to,
                                        (k, v) -> {
                                            scanned++;
                                            return visitor.visit(k, v);
                                        });
                    }

                    @Override
                    public long size() {
                        return inner.entries().size();
                    }
                };

        @Override
        public SortedStringMap entries() {
            return entries;
        }

        @Override
        public SortedStringMap index() {
            return inner.index();
        }

        @Override
        public SortedStringMap meta() {
            return inner.meta();
        }

        @Override
        public void commit() {}

        @Override
        public void close() {}
    }
}
