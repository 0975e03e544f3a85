package io.switchover.daemon.mirror;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToIntFunction;

/**
 * When each of a known set of files appears under its final name in one directory on the backup, as
 * {@link MirrorBench}'s continuous run measures it. The backup writes a partial file and renames it
 * into place, so the final name's {@code ENTRY_CREATE} (inotify's moved-to) is the moment a reader
 * can open the whole file. Names the {@code index} function does not know (-1), such as partial
 * files, are ignored; a file that arrives with the wrong size is counted, not timed.
 */
final class Arrivals implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path dir;
    private final ToIntFunction<String> index;
    private final long expectedSize;
    private final WatchService watcher;
    private final AtomicLongArray seenAt;
    private final AtomicInteger seen = new AtomicInteger();
    private final AtomicInteger wrongSize = new AtomicInteger();
    private final AtomicInteger overflows = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts watching {@code dir} for {@code count} files of {@code expectedSize} bytes, file
     * {@code i} being the one whose name {@code index} maps to {@code i}.
     */
    Arrivals(Path dir, int count, long expectedSize, ToIntFunction<String> index)
            throws IOException {
        this.dir = dir;
        this.index = index;
        this.expectedSize = expectedSize;
        this.seenAt = new AtomicLongArray(count);
        this.watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, ENTRY_CREATE);
        this.thread = new Thread(this::run, "bench-arrivals");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!closed) {
                WatchKey key = watcher.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (key == null) {
                    continue;
                }
                long now = System.nanoTime();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == OVERFLOW) {
                        overflows.incrementAndGet();
                        scan(now);
                    } else {
                        arrived(((Path) e.context()).getFileName().toString(), now);
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
            // Closing.
        }
    }

    /** Events were lost: whatever is there now arrived by now (an overestimate, counted). */
    private void scan(long now) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                arrived(p.getFileName().toString(), now);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void arrived(String name, long now) {
        int i = index.applyAsInt(name);
        if (i < 0 || i >= seenAt.length() || seenAt.get(i) != 0) {
            return;
        }
        long size;
        try {
            size = Files.size(dir.resolve(name));
        } catch (IOException gone) {
            size = -1;
        }
        if (size != expectedSize) {
            wrongSize.incrementAndGet();
            return;
        }
        if (seenAt.compareAndSet(i, 0, now)) {
            seen.incrementAndGet();
        }
    }

    /** Waits until every file arrived or {@code bound} passed; returns how many arrived. */
    int awaitAll(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (seen.get() < seenAt.length() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return seen.get();
    }

    /** {@link System#nanoTime()} when file {@code i} appeared whole, or 0 if it did not. */
    long seenAt(int i) {
        return seenAt.get(i);
    }

    int wrongSize() {
        return wrongSize.get();
    }

    int overflows() {
        return overflows.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        watcher.close();
        thread.join(POLL.toMillis() * 10);
    }
}
