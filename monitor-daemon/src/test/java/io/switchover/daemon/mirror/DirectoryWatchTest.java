package io.switchover.daemon.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import io.switchover.core.mirror.MirrorPath;
import io.switchover.daemon.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryWatchTest {
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final Path MAX_QUEUED_EVENTS = Path.of("/proc/sys/fs/inotify/max_queued_events");

    @TempDir Path temp;

    private Path root;
    private final Recorder recorder = new Recorder();
    private final List<DirectoryWatch> watches = new ArrayList<>();

    @BeforeEach
    void createRoot() throws IOException {
        root = Files.createDirectory(temp.resolve("root"));
    }

    @AfterEach
    void closeWatches() {
        watches.forEach(DirectoryWatch::close);
    }

    /** What the watch told its listener, in order. */
    private static class Recorder implements DirectoryWatch.Listener {
        final List<String> changed = new CopyOnWriteArrayList<>();
        final List<String> overflows = new CopyOnWriteArrayList<>();

        @Override
        public void changed(MirrorPath path) {
            changed.add(path.toString());
        }

        @Override
        public void overflowed(String why) {
            overflows.add(why);
        }

        void awaitChanged(String... paths) {
            await().atMost(EVENT_TIMEOUT).untilAsserted(() -> assertThat(changed).contains(paths));
        }
    }

    private DirectoryWatch watch(boolean recursive) throws IOException {
        return watch(recursive, recorder);
    }

    private DirectoryWatch watch(boolean recursive, DirectoryWatch.Listener listener)
            throws IOException {
        DirectoryWatch watch = DirectoryWatch.start(root, recursive, listener);
        watches.add(watch);
        return watch;
    }

    /** Writes a file the watch must report, after everything the test expects it to ignore. */
    private void writeSentinelAndAwaitIt() throws IOException {
        Files.writeString(root.resolve("sentinel"), "s");
        recorder.awaitChanged("sentinel");
    }

    @Test
    void start_fileCreatedRightAfterStart_isReported() throws IOException {
        watch(true);
        Files.writeString(root.resolve("a.txt"), "a");

        recorder.awaitChanged("a.txt");
        assertThat(recorder.overflows).isEmpty();
    }

    @Test
    void start_existingFileModified_isReported() throws IOException {
        Files.writeString(root.resolve("a.txt"), "a");
        watch(true);

        Files.writeString(root.resolve("a.txt"), "more");

        recorder.awaitChanged("a.txt");
    }

    @Test
    void start_existingFileDeleted_isReported() throws IOException {
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/a.txt"), "a");
        watch(true);

        Files.delete(root.resolve("d/a.txt"));

        recorder.awaitChanged("d/a.txt");
    }

    @Test
    void start_missingRoot_throwsNamingIt() {
        Path missing = temp.resolve("missing");

        assertThatThrownBy(() -> DirectoryWatch.start(missing, true, recorder))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void start_rootIsAFile_throwsNamingIt() throws IOException {
        Path file = Files.writeString(temp.resolve("file"), "f");

        assertThatThrownBy(() -> DirectoryWatch.start(file, true, recorder))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void recursive_directoryCreatedThenFileWrittenIntoIt_bothReported() throws IOException {
        watch(true);

        Files.createDirectories(root.resolve("d/e"));
        Files.writeString(root.resolve("d/e/f.txt"), "f");

        recorder.awaitChanged("d", "d/e", "d/e/f.txt");
    }

    @Test
    void recursive_fileWrittenIntoNewDirectoryLater_isReported() throws IOException {
        watch(true);
        Files.createDirectory(root.resolve("d"));
        recorder.awaitChanged("d");

        Files.writeString(root.resolve("d/late.txt"), "late");

        recorder.awaitChanged("d/late.txt");
    }

    @Test
    void recursive_directoryMovedInWithFilesInside_directoryAndFilesReported() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside/d/e"));
        Files.writeString(outside.resolve("f.txt"), "f");
        watch(true);

        Files.move(temp.resolve("outside/d"), root.resolve("d"), StandardCopyOption.ATOMIC_MOVE);

        recorder.awaitChanged("d", "d/e/f.txt");
        Files.writeString(root.resolve("d/e/g.txt"), "g");
        recorder.awaitChanged("d/e/g.txt");
    }

    @Test
    void recursive_fileRenamed_oldAndNewPathsReported() throws IOException {
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/old.txt"), "x");
        watch(true);

        Files.move(root.resolve("d/old.txt"), root.resolve("new.txt"));

        recorder.awaitChanged("d/old.txt", "new.txt");
    }

    @Test
    void recursive_directoryRenamed_oldAndNewPathsReported_laterChangesUnderNewName()
            throws IOException {
        Files.createDirectories(root.resolve("old/sub"));
        Files.writeString(root.resolve("old/sub/f.txt"), "f");
        watch(true);

        Files.move(root.resolve("old"), root.resolve("new"));
        recorder.awaitChanged("old", "new");
        Files.writeString(root.resolve("new/sub/g.txt"), "g");

        recorder.awaitChanged("new/sub/g.txt");
        assertThat(recorder.changed).noneMatch(p -> p.startsWith("old/"));
    }

    @Test
    void nonRecursive_changesBelowDirectChildren_ignored() throws IOException {
        Files.createDirectories(root.resolve("existing"));
        watch(false);

        Files.writeString(root.resolve("existing/deep.txt"), "deep");
        Files.createDirectories(root.resolve("created/deeper"));
        Files.writeString(root.resolve("created/deep.txt"), "deep");
        Files.writeString(root.resolve("top.txt"), "top");
        writeSentinelAndAwaitIt();

        assertThat(recorder.changed).contains("created", "top.txt");
        assertThat(recorder.changed).allMatch(p -> !p.contains("/"), "only direct children");
    }

    @Test
    void nonRecursive_registersOnlyTheRoot_recursiveEveryDirectory() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fdinfo")), "Linux /proc needed");
        Files.createDirectories(root.resolve("a/b"));
        Files.createDirectories(root.resolve("c"));

        long before = inotifyWatches();
        watch(false);
        long nonRecursive = inotifyWatches() - before;
        watch(true);
        long recursive = inotifyWatches() - before - nonRecursive;

        assertThat(nonRecursive).isEqualTo(1);
        assertThat(recursive).isEqualTo(4);
    }

    /** inotify watches this process holds, from {@code /proc/self/fdinfo}. */
    private static long inotifyWatches() throws IOException {
        long count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    count +=
                            Files.readAllLines(fd).stream()
                                    .filter(l -> l.startsWith("inotify wd:"))
                                    .count();
                } catch (IOException closedMeanwhile) {
                    // an fd of the listing itself, or one another thread closed
                }
            }
        }
        return count;
    }

    @Test
    void invalidName_skippedAndLoggedOnce() throws IOException {
        try (LogCapture logs = LogCapture.of(DirectoryWatch.class, Level.WARN)) {
            watch(true);
            Path bad = root.resolve("bad\u0001name");

            Files.writeString(bad, "one");
            Files.writeString(bad, "two");
            Files.delete(bad);
            writeSentinelAndAwaitIt();

            assertThat(recorder.changed).containsOnly("sentinel");
            assertThat(logs.messages(Level.WARN))
                    .singleElement()
                    .asString()
                    .contains("bad\\u0001name", "control character");
        }
    }

    @Test
    void rootDeleted_overflowedSaysItIsGone() throws IOException {
        Files.createDirectories(root.resolve("d/e"));
        Files.writeString(root.resolve("d/e/f.txt"), "f");
        watch(true);

        deleteTree(root);

        await().atMost(EVENT_TIMEOUT).until(() -> !recorder.overflows.isEmpty());
        assertThat(recorder.overflows).singleElement().asString().contains(root.toString(), "gone");
    }

    @Test
    void rootDeleted_nonRecursive_overflowedSaysItIsGone() throws IOException {
        Files.createDirectories(root.resolve("d"));
        watch(false);

        deleteTree(root);

        await().atMost(EVENT_TIMEOUT).until(() -> !recorder.overflows.isEmpty());
        assertThat(recorder.overflows).singleElement().asString().contains("gone");
    }

    private static void deleteTree(Path top) throws IOException {
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Test
    void overflow_moreEventsThanTheQueueHolds_overflowedThenWatchingGoesOn() throws Exception {
        // The listener blocks on the first event while 600 more arrive: the JDK keeps at most 512
        // pending events per watched directory and then signals an overflow.
        CountDownLatch release = new CountDownLatch(1);
        DirectoryWatch.Listener blocking =
                new DirectoryWatch.Listener() {
                    @Override
                    public void changed(MirrorPath path) {
                        recorder.changed(path);
                        awaitQuietly(release);
                    }

                    @Override
                    public void overflowed(String why) {
                        recorder.overflowed(why);
                    }
                };
        watch(true, blocking);
        Files.writeString(root.resolve("first"), "1");
        recorder.awaitChanged("first");

        for (int i = 0; i < 600; i++) {
            Files.createFile(root.resolve("f" + i));
        }
        release.countDown();

        await().atMost(EVENT_TIMEOUT).until(() -> !recorder.overflows.isEmpty());
        assertThat(recorder.overflows.get(0)).contains(root.toString(), "overflowed");
        writeSentinelAndAwaitIt();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(EVENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lowers {@code fs.inotify.max_queued_events} for the whole machine for a moment, so it runs
     * only when asked for ({@code -Dswitchover.test.inotifyQueue=true}) and as root: an inotify
     * instance another process creates meanwhile gets the small queue too.
     */
    @Test
    void overflow_kernelQueueOverflows_overflowedReported() throws Exception {
        assumeTrue(
                Boolean.getBoolean("switchover.test.inotifyQueue")
                        && "root".equals(System.getProperty("user.name"))
                        && Files.isWritable(MAX_QUEUED_EVENTS),
                "opt-in, as root: lowers fs.inotify.max_queued_events machine-wide for a moment");
        String saved = readSysctl(MAX_QUEUED_EVENTS);
        // The limit is read when an inotify instance is created: lower it only around start.
        try {
            Files.writeString(MAX_QUEUED_EVENTS, "16");
            watch(true);
        } finally {
            Files.writeString(MAX_QUEUED_EVENTS, saved);
        }
        assertThat(readSysctl(MAX_QUEUED_EVENTS)).isEqualTo(saved);

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (int i = 0; i < 5000 && recorder.overflows.isEmpty(); i++) {
            Files.createFile(root.resolve("f" + i));
            assertThat(System.nanoTime()).isLessThan(deadline);
        }

        await().atMost(EVENT_TIMEOUT).until(() -> !recorder.overflows.isEmpty());
        assertThat(recorder.overflows.get(0)).contains(root.toString(), "overflowed");
    }

    /**
     * A sysctl's value. Read in one go: procfs answers only the first read of a sysctl file, so a
     * reader that starts with a small read ({@code Files.readString}) sees a truncated value.
     */
    private static String readSysctl(Path file) throws IOException {
        String value = Files.readAllLines(file).get(0).trim();
        assertThat(Integer.parseInt(value)).as("%s", file).isPositive();
        return value;
    }

    @Test
    void close_stopsTheThreadPromptly_andIsIdempotent() throws IOException {
        DirectoryWatch watch = watch(true);
        String threadName = "directory-watch " + root.toRealPath();
        assertThat(watchThreadAlive(threadName)).isTrue();

        long started = System.nanoTime();
        watch.close();
        watch.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(watchThreadAlive(threadName)).isFalse();
        assertThat(recorder.overflows).isEmpty();
    }

    private static boolean watchThreadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
