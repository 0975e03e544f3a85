package io.switchover.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileGenerationStoreTest {
    @TempDir Path temp;

    private DataDirectory directory;
    private FileGenerationStore store;

    @BeforeEach
    void open() {
        directory = DataDirectory.open(temp.resolve("data"));
        store = new FileGenerationStore(directory);
    }

    @AfterEach
    void close() {
        directory.close();
    }

    @Test
    void load_noFile_returnsZero() {
        assertThat(store.load()).isZero();
    }

    @Test
    void store_thenLoadInANewStore_returnsTheStoredValue() {
        store.store(7);

        assertThat(new FileGenerationStore(directory).load()).isEqualTo(7);
    }

    @Test
    void store_again_replacesTheValueAndLeavesNoTemporaryFile() throws Exception {
        store.store(7);
        store.store(8);

        assertThat(store.load()).isEqualTo(8);
        assertThat(Files.readString(store.file())).isEqualTo("8\n");
        try (var files = Files.list(directory.path())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(DataDirectory.LOCK_FILE, FileGenerationStore.FILE);
        }
    }

    @Test
    void store_newFile_isOwnerOnly() throws Exception {
        store.store(1);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
                .isEqualTo("rw-------");
    }

    @Test
    void store_leftoverTemporaryFileFromACrash_isReplaced() throws Exception {
        Path leftover = directory.resolve(FileGenerationStore.FILE + ".tmp");
        Files.writeString(leftover, "99 half-writ");
        Files.setPosixFilePermissions(leftover, PosixFilePermissions.fromString("rw-rw-rw-"));

        store.store(3);

        assertThat(store.load()).isEqualTo(3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
                .isEqualTo("rw-------");
        assertThat(leftover).doesNotExist();
    }

    @Test
    void store_negative_isRejected() {
        assertThatThrownBy(() -> store.store(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void load_corruptFile_throwsNamingThePath() throws Exception {
        Files.writeString(store.file(), "seven\n");

        assertThatThrownBy(store::load)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(store.file().toString())
                .hasMessageContaining("corrupt")
                .hasMessageContaining("seven");
    }

    @Test
    void load_emptyFile_throwsInsteadOfReturningZero() throws Exception {
        Files.writeString(store.file(), "");

        assertThatThrownBy(store::load)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(store.file().toString());
    }

    @Test
    void load_binaryGarbage_throwsAsCorrupt() throws Exception {
        Files.write(store.file(), new byte[] {(byte) 0xff, 0, '7'});

        assertThatThrownBy(store::load)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining(store.file().toString());
    }

    @Test
    void load_numberTooLarge_throwsAsCorrupt() throws Exception {
        Files.writeString(store.file(), "99999999999999999999\n");

        assertThatThrownBy(store::load)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void load_unreadable_throwsNamingThePath() throws Exception {
        // A directory where the file should be: unreadable as a file, even for root.
        Files.createDirectory(store.file());

        assertThatThrownBy(store::load)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(store.file().toString());
    }

    @Test
    void store_cannotReplaceTheFile_throwsNamingThePath() throws Exception {
        Files.createDirectory(store.file());
        Files.writeString(store.file().resolve("occupant"), "x");

        assertThatThrownBy(() -> store.store(5))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(store.file().toString())
                .hasMessageContaining("5");
        assertThat(directory.resolve(FileGenerationStore.FILE + ".tmp")).doesNotExist();
    }
}
