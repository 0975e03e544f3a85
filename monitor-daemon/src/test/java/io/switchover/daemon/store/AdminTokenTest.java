package io.switchover.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.switchover.daemon.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
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

    @Test
    void loadOrCreate_firstStart_writes64HexCharactersOwnerOnly() throws Exception {
        AdminToken token = AdminToken.loadOrCreate(directory);

        Path file = directory.resolve(AdminToken.FILE);
        assertThat(token.file()).isEqualTo(file);
        assertThat(Files.readString(file))
                .matches("[0-9a-f]{64}\n")
                .isEqualTo(token.value() + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(directory.resolve(AdminToken.FILE + ".tmp")).doesNotExist();
    }

    @Test
    void loadOrCreate_secondStart_returnsTheSameToken() {
        AdminToken first = AdminToken.loadOrCreate(directory);

        AdminToken second = AdminToken.loadOrCreate(directory);

        assertThat(second.value()).isEqualTo(first.value());
        assertThat(second.secret()).isEqualTo(first.secret());
    }

    @Test
    void loadOrCreate_twoDataDirectories_generateDifferentTokens() {
        try (DataDirectory other = DataDirectory.open(temp.resolve("other"))) {
            assertThat(AdminToken.loadOrCreate(other).value())
                    .isNotEqualTo(AdminToken.loadOrCreate(directory).value());
        }
    }

    @Test
    void load_byPathWithoutTheLock_returnsTheDaemonsToken() {
        AdminToken daemons = AdminToken.loadOrCreate(directory);

        assertThat(AdminToken.load(directory.path()).value()).isEqualTo(daemons.value());
    }

    @Test
    void secret_is32BytesEncodedByTheValue() {
        AdminToken token = AdminToken.loadOrCreate(directory);

        assertThat(token.secret()).hasSize(32).isEqualTo(HexFormat.of().parseHex(token.value()));
        // A copy: the caller cannot change the token.
        token.secret()[0]++;
        assertThat(token.secret()).isEqualTo(HexFormat.of().parseHex(token.value()));
    }

    @Test
    void matches_theTokenItself_isTrue() {
        AdminToken token = AdminToken.loadOrCreate(directory);

        assertThat(token.matches(token.value())).isTrue();
    }

    @Test
    void matches_anythingElse_isFalse() {
        AdminToken token = AdminToken.loadOrCreate(directory);
        String value = token.value();
        char last = value.charAt(63);
        String oneCharacterOff = value.substring(0, 63) + (last == '0' ? '1' : '0');

        assertThat(token.matches(null)).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(oneCharacterOff)).isFalse();
        assertThat(token.matches(value.substring(0, 63))).isFalse();
        assertThat(token.matches(value + "0")).isFalse();
        assertThat(token.matches(value + "\n")).isFalse();
    }

    @Test
    void toString_neverRevealsTheToken() {
        AdminToken token = AdminToken.loadOrCreate(directory);

        assertThat(token.toString()).doesNotContain(token.value()).contains(AdminToken.FILE);
    }

    @Test
    void loadOrCreate_fileWithLooserPermissions_setsOwnerOnlyAndWarns() throws Exception {
        AdminToken.loadOrCreate(directory);
        Path file = directory.resolve(AdminToken.FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        try (LogCapture log = LogCapture.of(AdminToken.class, Level.WARN)) {
            AdminToken.loadOrCreate(directory);

            assertThat(log.messages(Level.WARN))
                    .singleElement()
                    .asString()
                    .contains(file.toString(), "rw-r--r--");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void loadOrCreate_corruptFile_throwsNamingThePathButNotTheContent() throws Exception {
        Path file = directory.resolve(AdminToken.FILE);
        Files.writeString(file, "my-secret-password\n");

        assertThatThrownBy(() -> AdminToken.loadOrCreate(directory))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt")
                .hasMessageNotContaining("my-secret-password");
    }

    @Test
    void load_noToken_throwsNamingThePath() {
        assertThatThrownBy(() -> AdminToken.load(directory.path()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(directory.resolve(AdminToken.FILE).toString());
    }
}
