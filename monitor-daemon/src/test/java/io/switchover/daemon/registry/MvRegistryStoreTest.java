package io.switchover.daemon.registry;

import static io.switchover.daemon.registry.RegistryStoreContractTest.contents;
import static io.switchover.daemon.registry.RegistryStoreContractTest.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.switchover.core.registry.RegistryException;
import io.switchover.daemon.registry.MvRegistryStore.Durability;
import io.switchover.daemon.store.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MVStore store's own promises: what survives a close and a reopen, space, and failures. */
class MvRegistryStoreTest {

    @TempDir Path temp;

    private Path file() {
        return temp.resolve("registry").resolve("registry.mv.db");
    }

    @Test
    void open_missingDirectory_createsItOwnerOnlyWithAnEmptyStore() throws Exception {
        try (MvRegistryStore store = MvRegistryStore.open(file())) {
            assertThat(store.file()).isEqualTo(file().toAbsolutePath());
            assertThat(store.durability()).isEqualTo(Durability.FSYNC);
            assertThat(store.entries().size()).isZero();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                    .isEqualTo("rw-------");
            assertThat(file().resolveSibling("registry.mv.db.new")).doesNotExist();
            assertThat(
                            PosixFilePermissions.toString(
                                    Files.getPosixFilePermissions(file().getParent())))
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void reopen_keepsExactlyWhatWasCommitted() throws Exception {
        try (MvRegistryStore store = MvRegistryStore.open(file())) {
            RegistryStoreContractTest.putReversed(
                    store.entries(), RegistryStoreContractTest.ORDERED_KEYS);
            store.index().put("0001", "digest");
            store.meta().put("seq", "7");
            store.commit();
            store.entries().put("uncommitted", "x");
            store.entries().remove("a");
            store.meta().put("seq", "8");
        }

        try (MvRegistryStore store = MvRegistryStore.open(file())) {
            assertThat(keys(store.entries(), "", null))
                    .containsExactlyElementsOf(RegistryStoreContractTest.ORDERED_KEYS);
            assertThat(store.entries().get("a")).isEqualTo("value of a");
            assertThat(store.entries().get("uncommitted")).isNull();
            assertThat(contents(store.index())).containsExactly(Map.entry("0001", "digest"));
            assertThat(contents(store.meta())).containsExactly(Map.entry("seq", "7"));
            assertThat(store.entries().ceilingKey("\uD83D")).isEqualTo("\uD83D\uDE00");
        }
    }

    @Test
    void close_discardsWritesAfterTheLastCommit() throws Exception {
        try (MvRegistryStore store = MvRegistryStore.open(file(), Durability.WRITE)) {
            store.entries().put("kept", "1");
            store.commit();
            store.entries().put("kept", "changed");
            store.entries().put("discarded", "2");
            store.close();
            store.close();
        }

        try (MvRegistryStore store = MvRegistryStore.open(file(), Durability.WRITE)) {
            assertThat(contents(store.entries())).containsExactly(Map.entry("kept", "1"));
        }
    }

    @Test
    void close_uncommittedBatchLargerThanMvStoresWriteBuffer_isNotWrittenAtAll() throws Exception {
        // MVStore commits on its own from inside put() once unsaved pages pass its write buffer
        // (about 19 MB of heap), even with its auto-commit "disabled"; the store turns that off.
        try (MvRegistryStore store = MvRegistryStore.open(file(), Durability.WRITE)) {
            store.meta().put("before", "committed");
            store.commit();
            for (int i = 0; i < 300_000; i++) {
                store.entries().put(String.format("/batch/%07d", i), "v".repeat(60));
            }
        }

        try (MvRegistryStore store = MvRegistryStore.open(file(), Durability.WRITE)) {
            assertThat(store.entries().size()).isZero();
            assertThat(contents(store.meta())).containsExactly(Map.entry("before", "committed"));
        }
    }

    @Test
    void manyCommits_withCompactions_reopenWithTheLastStateAndABoundedFile() throws Exception {
        // A 1,000-key working set overwritten one key per commit, through several compactions.
        int commits = 5 * MvRegistryStore.COMPACT_EVERY_COMMITS;
        Map<String, String> model = new TreeMap<>();
        Random random = new Random(42);
        long sizeAtHalf = 0;
        try (MvRegistryStore store = MvRegistryStore.open(file(), Durability.WRITE)) {
            for (int i = 0; i < 1_000; i++) {
                put(store, model, String.format("/key/%04d", i), "initial");
            }
            store.commit();
            for (int c = 1; c <= commits; c++) {
                put(store, model, String.format("/key/%04d", random.nextInt(1_000)), "v" + c);
                store.commit();
                if (c == commits / 2) {
                    sizeAtHalf = store.fileSize();
                }
            }
            // Live data is about 40 KB; each commit's chunk about 16 KB.
            assertThat(store.fileSize()).isLessThan(4L << 20);
            assertThat(store.fileSize()).isLessThan(sizeAtHalf * 3 / 2);
        }

        try (MvRegistryStore store = MvRegistryStore.open(file(), Durability.WRITE)) {
            assertThat(contents(store.entries())).isEqualTo(model);
        }
    }

    @Test
    void open_sameFileTwiceInThisProcess_refusesNamingItAndTheFirstStaysUsable() throws Exception {
        try (MvRegistryStore first = MvRegistryStore.open(file())) {
            assertThatThrownBy(() -> MvRegistryStore.open(file()))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("registry store " + file())
                    .hasMessageContaining("already open in this process");
            // The same file by another name is the same file.
            Path sameFile = temp.resolve("registry/../registry/./registry.mv.db");
            assertThatThrownBy(() -> MvRegistryStore.open(sameFile))
                    .hasMessageContaining("already open in this process");

            first.entries().put("k", "v");
            first.commit();
        }
        try (MvRegistryStore reopened = MvRegistryStore.open(file())) {
            assertThat(reopened.entries().get("k")).isEqualTo("v");
        }
    }

    @Test
    void open_garbageFile_refusesNamingItAndLeavesItUntouched() throws Exception {
        Files.createDirectories(file().getParent());
        byte[] garbage = new byte[64 * 1024];
        new Random(7).nextBytes(garbage);
        Files.write(file(), garbage);

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> MvRegistryStore.open(file()))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("registry store " + file().toAbsolutePath())
                    .hasMessageContaining("is corrupt or not a registry store")
                    .hasMessageContaining("left as it is");
        }
        assertThat(Files.readAllBytes(file())).isEqualTo(garbage);
    }

    @Test
    void open_shortTextFile_refusesNamingItAndLeavesItUntouched() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "this is not a store\n");

        assertThatThrownBy(() -> MvRegistryStore.open(file()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("registry store " + file().toAbsolutePath())
                .hasMessageContaining("is corrupt or not a registry store");
        assertThat(Files.readString(file())).isEqualTo("this is not a store\n");
    }

    @Test
    void open_storeWithEveryChunkOverwritten_refusesInsteadOfOpeningEmpty() throws Exception {
        try (MvRegistryStore store = MvRegistryStore.open(file())) {
            store.entries().put("k", "v");
            store.commit();
        }
        byte[] damaged = Files.readAllBytes(file());
        // MVStore's file header is the first two 4 KiB blocks; the chunks follow.
        for (int i = 2 * 4096; i < damaged.length; i++) {
            damaged[i] = (byte) i;
        }
        Files.write(file(), damaged);

        assertThatThrownBy(() -> MvRegistryStore.open(file()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("registry store " + file().toAbsolutePath())
                .hasMessageContaining("no whole commit found");
        assertThat(Files.readAllBytes(file())).isEqualTo(damaged);
    }

    @Test
    void open_emptyFile_isANewStore() throws Exception {
        Files.createDirectories(file().getParent());
        Files.createFile(file());

        try (MvRegistryStore store = MvRegistryStore.open(file())) {
            store.entries().put("k", "v");
            store.commit();
        }
        try (MvRegistryStore store = MvRegistryStore.open(file())) {
            assertThat(store.entries().get("k")).isEqualTo("v");
        }
    }

    @Test
    void open_fileThisUserCannotWrite_refusesNamingItInsteadOfOpeningReadOnly() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes every file");
        try (MvRegistryStore store = MvRegistryStore.open(file())) {
            store.entries().put("k", "v");
            store.commit();
        }
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("r--------"));

        assertThatThrownBy(() -> MvRegistryStore.open(file()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("registry store " + file())
                .hasMessageContaining("not readable and writable by this user");
    }

    @Test
    void open_pathIsADirectory_refusesNamingIt() throws Exception {
        Files.createDirectories(file());

        assertThatThrownBy(() -> MvRegistryStore.open(file()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("registry store " + file())
                .hasMessageContaining("not a regular file");
    }

    @Test
    void open_parentIsAFile_refusesNamingIt() throws Exception {
        Files.writeString(temp.resolve("registry"), "a file");

        assertThatThrownBy(() -> MvRegistryStore.open(file()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("is not a directory");
    }

    @Test
    void closedStore_commitIsUnavailableAndReadsFail() throws Exception {
        MvRegistryStore store = MvRegistryStore.open(file());
        store.close();

        assertThatThrownBy(store::commit)
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE))
                .hasMessageContaining(file().toString())
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.entries().get("k"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private static void put(
            MvRegistryStore store, Map<String, String> model, String key, String value) {
        store.entries().put(key, value);
        model.put(key, value);
    }
}
