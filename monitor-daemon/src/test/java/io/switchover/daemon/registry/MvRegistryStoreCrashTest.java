package io.switchover.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchover.daemon.registry.MvRegistryStore.Durability;
import io.switchover.daemon.store.StorageException;
import io.switchover.daemon.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store in a process that dies: a {@link RegistryWriterMain} in a child JVM commits and
 * acknowledges, is killed with SIGKILL (no shutdown hook, no close), and the store it leaves must
 * open cleanly with every acknowledged commit whole and no commit in part.
 *
 * <p>Each seed picks the acknowledgement after which to kill and whether to kill at once or a
 * little later (while the next commits are being written); a failing seed replays the same kill
 * point, though not the same instant of the child's work.
 */
class MvRegistryStoreCrashTest {
    /** Exit status of a process killed by SIGKILL (128 + 9). */
    private static final int KILLED_BY_SIGKILL = 137;

    private static final Duration CHILD_BOUND = Duration.ofSeconds(30);

    @TempDir Path temp;

    static Stream<Arguments> durabilitiesAndSeeds() {
        return Stream.of(Durability.values())
                .flatMap(d -> Stream.of(1L, 2L, 3L, 4L, 5L).map(seed -> Arguments.of(d, seed)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("durabilitiesAndSeeds")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sigkill_atARandomPoint_reopensWithEveryAcknowledgedCommitWhole(
            Durability durability, long seed) throws Exception {
        Random random = new Random(seed * 31 + durability.ordinal());
        // Seeds 1 and 2 kill the moment an ack is read; the others a little later.
        boolean atOnce = seed <= 2;
        int killAfterAck = 1 + random.nextInt(durability == Durability.FSYNC ? 150 : 600);
        long extraMicros = atOnce ? 0 : random.nextInt(20_000);
        Path file = temp.resolve("registry").resolve("registry.mv.db");

        long acknowledged;
        try (ChildJvm writer =
                ChildJvm.start(RegistryWriterMain.class, file.toString(), durability.name())) {
            writer.lineStartingWith("opened", CHILD_BOUND);
            acknowledged = 0;
            while (acknowledged < killAfterAck) {
                acknowledged = ack(writer.lineStartingWith("ack ", CHILD_BOUND));
            }
            if (extraMicros > 0) {
                TimeUnit.MICROSECONDS.sleep(extraMicros);
            }
            writer.killHard();
            // Confirms that destroyForcibly() sent SIGKILL, not SIGTERM.
            assertThat(writer.awaitExit(CHILD_BOUND)).isEqualTo(KILLED_BY_SIGKILL);
        }

        try (MvRegistryStore reopened = MvRegistryStore.open(file, durability)) {
            long last = RegistryWriterMain.check(reopened);
            assertThat(last).as("last whole commit").isGreaterThanOrEqualTo(acknowledged);
            // And the store goes on from there.
            RegistryWriterMain.write(reopened, last + 1);
            reopened.commit();
        }
        try (MvRegistryStore again = MvRegistryStore.open(file, durability)) {
            assertThat(RegistryWriterMain.check(again)).isGreaterThan(acknowledged);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void open_whileAnotherProcessHasTheStore_refusesNamingTheFile() throws Exception {
        Path file = temp.resolve("registry.mv.db");
        try (ChildJvm writer =
                ChildJvm.start(
                        RegistryWriterMain.class, file.toString(), Durability.WRITE.name())) {
            writer.lineStartingWith("ack ", CHILD_BOUND);

            assertThatThrownBy(() -> MvRegistryStore.open(file))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("registry store " + file)
                    .hasMessageContaining("locked by another process");

            // The refusal did not disturb the writer: it goes on committing.
            long before = ack(writer.lineStartingWith("ack ", CHILD_BOUND));
            assertThat(ack(writer.lineStartingWith("ack ", CHILD_BOUND))).isGreaterThan(before);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void commit_fileCannotGrow_failsUnavailableNamingTheFileAndKeepsWhatWasCommitted()
            throws Exception {
        Path file = temp.resolve("registry.mv.db");
        long acknowledged = 0;
        try (ChildJvm writer =
                ChildJvm.startWithFileSizeLimit(
                        2_048,
                        RegistryWriterMain.class,
                        file.toString(),
                        Durability.FSYNC.name())) {
            String line = writer.lineStartingWith("opened", CHILD_BOUND);
            while (!(line = writer.nextLine(CHILD_BOUND)).startsWith("failed ")) {
                if (line.startsWith("ack ")) {
                    acknowledged = ack(line);
                }
            }
            assertThat(line)
                    .contains("could not commit to registry store " + file)
                    .contains("File too large");
            assertThat(writer.lineStartingWith("then ", CHILD_BOUND))
                    .contains("registry store " + file + " cannot be used: a commit failed");
            assertThat(writer.awaitExit(CHILD_BOUND)).isEqualTo(RegistryWriterMain.FAILED);
        }
        assertThat(acknowledged).isPositive();
        assertThat(Files.size(file)).isLessThanOrEqualTo(2_048 * 1024);

        try (MvRegistryStore reopened = MvRegistryStore.open(file)) {
            assertThat(RegistryWriterMain.check(reopened)).isGreaterThanOrEqualTo(acknowledged);
        }
    }

    private static long ack(String line) {
        return Long.parseLong(line.substring("ack ".length()));
    }
}
