package io.switchover.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashTreeTest {

    @Test
    void leafOf_pinnedValues_neverChangeWithoutAProtocolChange() {
        // Computed independently of this code; both nodes of a pair must agree on them.
        assertThat(HashTree.leafOf("\u0001a\u0000x")).isEqualTo(40452);
        assertThat(HashTree.leafOf("\u0001a\u0000")).isEqualTo(11247);
        assertThat(HashTree.leafOf("\u0001Site\u0001Lines\u0000Name")).isEqualTo(11642);
        assertThat(HashTree.leafOf("")).isZero();
    }

    @Test
    void digestOf_pinnedValues_firstEightBytesOfSha256() {
        assertThat(HashTree.digestOf("\u0001a\u0000x", "1")).isEqualTo(0x9b3582c99b760d91L);
        assertThat(HashTree.digestOf("\u0001Site\u0001Lines\u0000Name", "line one\n"))
                .isEqualTo(0x3ef3e272f5b6212fL);
        assertThat(new HashTree().entryDigest("\u0001a\u0000x", "1"))
                .isEqualTo(0x9b3582c99b760d91L);
    }

    @Test
    void leafOf_numberedIds_spreadOverTheLeaves() {
        int[] perLeaf = new int[HashTree.LEAVES];
        int ids = 200_000;
        for (int i = 0; i < ids; i++) {
            int leaf = HashTree.leafOf("\u0001Lines\u0001Line" + i + "\u0000Number");
            assertThat(leaf).isBetween(0, HashTree.LEAVES - 1);
            perLeaf[leaf]++;
        }
        int max = 0;
        int empty = 0;
        for (int n : perLeaf) {
            max = Math.max(max, n);
            empty += n == 0 ? 1 : 0;
        }
        // About 3 per leaf: a good mix leaves few leaves empty and none crowded.
        assertThat(max).isLessThan(20);
        assertThat(empty).isLessThan(HashTree.LEAVES / 10);
    }

    @Test
    void geometry_nodesCoverTheirChildrensLeaves() {
        assertThat(HashTree.LEVELS).isEqualTo(4);
        assertThat(HashTree.nodesOn(0)).isEqualTo(1);
        assertThat(HashTree.nodesOn(4)).isEqualTo(65_536);
        assertThat(HashTree.firstLeaf(0, 0)).isZero();
        assertThat(HashTree.endLeaf(0, 0)).isEqualTo(HashTree.LEAVES);
        assertThat(HashTree.firstLeaf(1, 3)).isEqualTo(3 * 4096);
        assertThat(HashTree.endLeaf(1, 3)).isEqualTo(4 * 4096);
        assertThat(HashTree.firstLeaf(4, 77)).isEqualTo(77);
        assertThat(HashTree.endLeaf(4, 77)).isEqualTo(78);
    }

    @Test
    void add_remove_updatesEveryLevelAndSumsChildren() {
        HashTree tree = new HashTree();
        tree.add(0x1234, 5);
        tree.add(0x1235, -7);
        tree.add(0xffff, Long.MAX_VALUE);
        assertThat(tree.count(0, 0)).isEqualTo(3);
        assertThat(tree.digest(0, 0)).isEqualTo(5L - 7L + Long.MAX_VALUE);
        assertThat(tree.digest(3, 0x123)).isEqualTo(-2);
        assertThat(tree.count(3, 0x123)).isEqualTo(2);
        assertThat(tree.digest(1, 0xf)).isEqualTo(Long.MAX_VALUE);
        assertChildrenSum(tree);

        tree.remove(0x1235, -7);
        tree.remove(0x1234, 5);
        tree.remove(0xffff, Long.MAX_VALUE);
        assertThat(tree.count(0, 0)).isZero();
        assertThat(tree.digest(0, 0)).isZero();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void digests_independentOfWriteOrder(long seed) throws Exception {
        Random random = new Random(seed);
        List<String[]> writes = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            writes.add(
                    new String[] {
                        "/k" + random.nextInt(300) + "/c" + random.nextInt(5),
                        "v" + random.nextInt(4),
                        Integer.toString(random.nextInt(1000))
                    });
        }
        Registry forward = registryWith(writes);
        List<String[]> shuffled = new ArrayList<>(writes);
        Collections.shuffle(shuffled, random);
        // The last write of each value decides its content: replay those last, in another order.
        Map<String, String[]> last = new java.util.LinkedHashMap<>();
        for (String[] w : writes) {
            last.put(w[0] + "\u0000" + w[1], w);
        }
        shuffled.addAll(last.values());
        Registry backward = registryWith(shuffled);

        assertSameTree(forward.hashTree(), backward.hashTree());
        assertThat(forward.hashTree().count(0, 0)).isEqualTo(forward.entryCount());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void incremental_equalsRebuiltFromTheIndex(long seed) throws Exception {
        Random random = new Random(seed);
        MemoryRegistryStore store = new MemoryRegistryStore();
        Registry registry = new Registry(store, RegistryLimits.DEFAULT);
        for (int i = 0; i < 3_000; i++) {
            KeyPath key = registry.path("/a" + random.nextInt(20) + "/b" + random.nextInt(20));
            switch (random.nextInt(4)) {
                case 0:
                    if (registry.get(key).isPresent()) {
                        registry.deleteKey(key.parent());
                    }
                    break;
                case 1:
                    if (registry.get(key).map(v -> v.containsKey("x")).orElse(false)) {
                        registry.deleteValue(key, "x");
                    }
                    break;
                default:
                    registry.put(key, Map.of("x", "" + random.nextInt(9), "y", "" + i));
            }
        }
        Registry reopened = new Registry(store, RegistryLimits.DEFAULT);
        assertSameTree(registry.hashTree(), reopened.hashTree());
        assertChildrenSum(registry.hashTree());
        assertThat(reopened.keyCount()).isEqualTo(registry.keyCount());
    }

    private static Registry registryWith(List<String[]> writes) throws RegistryException {
        Registry registry = new Registry(new MemoryRegistryStore(), RegistryLimits.DEFAULT);
        for (String[] w : writes) {
            registry.put(registry.path(w[0]), Map.of(w[1], w[2]));
        }
        return registry;
    }

    static void assertSameTree(HashTree a, HashTree b) {
        for (int level = 0; level <= HashTree.LEVELS; level++) {
            for (int node = 0; node < HashTree.nodesOn(level); node++) {
                if (a.digest(level, node) != b.digest(level, node)
                        || a.count(level, node) != b.count(level, node)) {
                    throw new AssertionError("trees differ at level " + level + " node " + node);
                }
            }
        }
    }

    private static void assertChildrenSum(HashTree tree) {
        for (int level = 0; level < HashTree.LEVELS; level++) {
            for (int node = 0; node < HashTree.nodesOn(level); node++) {
                long digest = 0;
                long count = 0;
                for (int c = 0; c < HashTree.FANOUT; c++) {
                    digest += tree.digest(level + 1, node * HashTree.FANOUT + c);
                    count += tree.count(level + 1, node * HashTree.FANOUT + c);
                }
                assertThat(tree.digest(level, node)).isEqualTo(digest);
                assertThat(tree.count(level, node)).isEqualTo(count);
            }
        }
    }
}
