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

class SnmpEngineBootsTest {
    @TempDir Path temp;

    private DataDirectory directory;

    @BeforeEach
    void open() {
        directory = DataDirectory.open(temp.resolve("data"));
    }

    @AfterEach
    void close() {
        directory.close();
    }

    private Path file() {
        return directory.resolve(SnmpEngineBoots.FILE);
    }

    @Test
    void next_noFile_oneThenTwoThenThree_storedOwnerOnly() throws Exception {
        assertThat(SnmpEngineBoots.next(directory)).isEqualTo(1);
        assertThat(SnmpEngineBoots.next(directory)).isEqualTo(2);
        assertThat(SnmpEngineBoots.next(directory)).isEqualTo(3);

        assertThat(Files.readString(file())).isEqualTo("3\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                .isEqualTo("rw-------");
    }

    @Test
    void next_atTheMaximum_staysThere() throws Exception {
        Files.writeString(file(), "2147483647\n");

        assertThat(SnmpEngineBoots.next(directory)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void next_corruptFile_errorNamingTheFileAndLeavingItAsItWas() throws Exception {
        Files.writeString(file(), "twelve\n");

        assertThatThrownBy(() -> SnmpEngineBoots.next(directory))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("SNMP engine boots file " + file() + " is corrupt")
                .hasMessageContaining("found \"twelve\\n\"");
        assertThat(Files.readString(file())).isEqualTo("twelve\n");
    }
}
