package io.switchover.daemon.mirror;

import static io.switchover.daemon.mirror.MirrorTestFiles.mkdirs;
import static io.switchover.daemon.mirror.MirrorTestFiles.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.MirrorException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk on the backup: the transfer fails as NO_SPACE and the good copy stays. */
class TargetRootDiskFullTest {
    @TempDir Path temp;

    private Path small;
    private boolean mounted;

    @BeforeEach
    void mountASmallDisk() throws Exception {
        small = mkdirs(temp, "small");
        mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
        assumeTrue(mounted, "mounting a 1 MiB tmpfs needs root; the disk-full test is skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            assertThat(run("umount", small.toString())).as("umount " + small).isTrue();
        }
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }

    @Test
    void receive_largerThanTheDisk_failsAsNoSpaceAndKeepsTheGoodCopy() throws Exception {
        TargetRoot target = new TargetRoot(small.resolve("mirror"));
        byte[] good = new byte[100_000];
        new Random(1).nextBytes(good);
        Path file = Files.write(mkdirs(target.root(), "data").resolve("big.bin"), good);
        int size = 2 * 1024 * 1024;

        TargetRoot.IncomingFile incoming =
                target.receive(FileEntry.file(path("data/big.bin"), size, 0, 0644));
        assertThatThrownBy(
                        () -> {
                            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                            for (int at = 0; at < size; at += chunk.capacity()) {
                                incoming.write(chunk.clear());
                            }
                            incoming.commit();
                        })
                .isInstanceOfSatisfying(
                        MirrorException.class,
                        e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.NO_SPACE))
                .hasMessageContaining("the disk is full")
                .hasMessageContaining(file.toString());
        incoming.close();

        assertThat(Files.readAllBytes(file)).isEqualTo(good);
        try (Stream<Path> all = Files.walk(target.root())) {
            assertThat(all.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(DirectorySpec.PARTIAL_PREFIX));
        }
        // The space is free again: the next attempt of a file that fits succeeds.
        try (TargetRoot.IncomingFile retry =
                target.receive(FileEntry.file(path("data/big.bin"), 3, 0, 0644))) {
            retry.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            retry.commit();
        }
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }
}
