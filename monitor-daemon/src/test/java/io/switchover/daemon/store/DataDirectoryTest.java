package io.switchover.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.switchover.daemon.testing.ChildJvm;
import io.switchover.daemon.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    private static final Duration CHILD_BOUND = Duration.ofSeconds(60);

    @TempDir Path temp;

    @Test
    void open_missingNestedDirectory_createsItOwnerOnlyAndWritesOurPid() throws Exception {
        Path path = temp.resolve("var/lib/switchover");

        try (DataDirectory directory = DataDirectory.open(path)) {
            assertThat(directory.path()).isEqualTo(path.toAbsolutePath());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                    .isEqualTo("rwx------");
            Path lock = path.resolve(DataDirectory.LOCK_FILE);
            assertThat(Files.readString(lock).strip())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void open_existingDirectoryWithLooserPermissions_setsOwnerOnlyAndWarns() throws Exception {
        Path path = Files.createDirectory(temp.resolve("data"));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (LogCapture log = LogCapture.of(DataDirectory.class, Level.WARN);
                DataDirectory opened = DataDirectory.open(path)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(opened.path())))
                    .isEqualTo("rwx------");
            assertThat(log.messages(Level.WARN))
                    .singleElement()
                    .asString()
                    .contains(path.toString(), "rwxr-xr-x", "rwx------");
        }
    }

    @Test
    void open_pathIsAFile_refusesNamingIt() throws Exception {
        Path file = Files.writeString(temp.resolve("data"), "not a directory");

        assertThatThrownBy(() -> DataDirectory.open(file))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void open_twiceInOneProcess_secondRefusedWithoutReleasingTheFirst() throws Exception {
        Path path = temp.resolve("data");
        try (DataDirectory first = DataDirectory.open(path)) {
            assertThatThrownBy(() -> DataDirectory.open(temp.resolve("other/../data")))
                    .isInstanceOf(DataDirectoryLockedException.class)
                    .hasMessageContaining(path.toString());

            // POSIX locks belong to the process: a careless refusal could have dropped ours.
            try (ChildJvm other =
                    ChildJvm.start(LockHolderMain.class, "try", first.path().toString())) {
                assertThat(other.awaitExit(CHILD_BOUND)).isEqualTo(LockHolderMain.REFUSED);
            }
        }
    }

    @Test
    void close_thenOpenAgain_succeeds() {
        Path path = temp.resolve("data");
        DataDirectory.open(path).close();

        try (DataDirectory again = DataDirectory.open(path)) {
            assertThat(again.path()).isEqualTo(path);
        }
    }

    @Test
    void open_whileAnotherProcessHoldsIt_refusesNamingTheDirectoryAndItsPid() throws Exception {
        Path path = temp.resolve("data");
        try (ChildJvm holder = ChildJvm.start(LockHolderMain.class, "hold", path.toString())) {
            assertThat(holder.lineStartingWith("locked ", CHILD_BOUND))
                    .isEqualTo("locked " + holder.pid());

            assertThatThrownBy(() -> DataDirectory.open(path))
                    .isInstanceOfSatisfying(
                            DataDirectoryLockedException.class,
                            e -> {
                                assertThat(e.holderPid()).hasValue(holder.pid());
                                assertThat(e.directory()).isEqualTo(path);
                            })
                    .hasMessageContaining(path.toString())
                    .hasMessageContaining("pid " + holder.pid());
        }
    }

    @Test
    void open_inAnotherProcessWhileThisOneHoldsIt_otherProcessRefusesNamingOurPid()
            throws Exception {
        Path path = temp.resolve("data");
        try (DataDirectory held = DataDirectory.open(path);
                ChildJvm second =
                        ChildJvm.start(LockHolderMain.class, "try", held.path().toString())) {
            assertThat(second.lineStartingWith("refused: ", CHILD_BOUND))
                    .contains(path.toString(), "pid " + ProcessHandle.current().pid());
            assertThat(second.awaitExit(CHILD_BOUND)).isEqualTo(LockHolderMain.REFUSED);
        }
    }

    @Test
    void open_afterHolderKilledWithSigkill_succeedsDespiteTheStaleLockFile() throws Exception {
        Path path = temp.resolve("data");
        long deadPid;
        try (ChildJvm holder = ChildJvm.start(LockHolderMain.class, "hold", path.toString())) {
            holder.lineStartingWith("locked ", CHILD_BOUND);
            deadPid = holder.pid();
            holder.killHard();
            assertThat(holder.awaitExit(CHILD_BOUND)).isEqualTo(128 + 9);
        }
        assertThat(Files.readString(path.resolve(DataDirectory.LOCK_FILE)).strip())
                .isEqualTo(Long.toString(deadPid));

        try (DataDirectory restarted = DataDirectory.open(path)) {
            assertThat(Files.readString(restarted.resolve(DataDirectory.LOCK_FILE)).strip())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }

    @Test
    void open_afterHolderClosedIt_anotherProcessGetsIt() throws Exception {
        Path path = temp.resolve("data");
        DataDirectory.open(path).close();

        try (ChildJvm next = ChildJvm.start(LockHolderMain.class, "try", path.toString())) {
            assertThat(next.lineStartingWith("locked ", CHILD_BOUND))
                    .isEqualTo("locked " + next.pid());
            assertThat(next.awaitExit(CHILD_BOUND)).isZero();
        }
    }
}
