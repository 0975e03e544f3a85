package io.switchover.daemon.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.daemon.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file many times larger than the heap mirrors whole: two daemons in a child JVM whose heap is
 * capped at 64 MiB (both daemons share it) mirror a 512 MiB file, which arrives identical. Memory
 * stays bounded because content moves one chunk at a time under the backup's credit. The same
 * program with 2 GiB and 128 MiB is a recorded figure in docs/benchmarks.md.
 */
class LargeFileMirrorTest {
    @TempDir Path dir;

    @Test
    void fileEightTimesTheHeap_mirrorsIdentical() throws Exception {
        try (ChildJvm child =
                ChildJvm.startWithHeap("64m", LargeFileMirror.class, dir.toString(), "512")) {
            String result = child.lineStartingWith("mirrored ", Duration.ofMinutes(5));
            String verdict = child.nextLine(Duration.ofMinutes(2));
            assertThat(verdict).as(result).startsWith("SAME ");
            assertThat(child.awaitExit(Duration.ofMinutes(1))).isZero();
        }
    }
}
