package io.switchover.daemon.mirror;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import io.methvin.watcher.visitor.FileTreeVisitor;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one continuous directory on the primary (recursively when configured, including
 * directories created later) and reports every path that was created, modified or deleted, and
 * overflows (events lost: the directory must be compared as a whole). Built on io.methvin's
 * directory-watcher, with content hashing off: the mirror coalesces events itself.
 *
 * <p>What is reported, as paths relative to the root (never the root itself):
 *
 * <ul>
 *   <li>a created, modified or deleted file, directory or link;
 *   <li>a rename inside the tree as its old path (deleted) and its new path (created), for files
 *       and directories alike;
 *   <li>a directory that appears (created, or renamed in from outside the tree) as the directory
 *       itself and, recursively, everything in it when it was registered, so that files written
 *       into it before its watch was in place are not lost. The caller compares a changed directory
 *       as a subtree.
 * </ul>
 *
 * <p>Without {@code recursive} only the root's own entries are reported, and only the root is
 * registered: subdirectories cost no watch and no walk, not even those created later
 * (directory-watcher is given a tree visitor that sees the root as the whole tree).
 *
 * <p>{@link Listener#overflowed} means the watch can no longer vouch for the tree: the kernel's or
 * the JDK's event queue overflowed, a directory could not be registered (its later changes are
 * missed until the caller's next full compare), or the watch stopped because the root is gone or
 * the watcher failed. A stopped watch reports nothing more; the caller closes it and may start a
 * new one. The root is resolved to its real path when the watch starts: renaming or replacing the
 * root itself later is not noticed until the old directory disappears.
 *
 * <p>Linux limits operators may need to raise (sysctl):
 *
 * <ul>
 *   <li>{@code fs.inotify.max_user_watches}: a recursive watch takes one inotify watch per
 *       directory, counted per user across all the daemon's watches (older kernels default to
 *       8,192, which a large tree reaches). A directory that cannot be registered fails {@link
 *       #start} if it is there at start, and is reported with {@link Listener#overflowed} (reason
 *       in the message and a WARN log) if it appears later: it then stays unwatched, so the
 *       caller's compares are all that keep it mirrored until the limit is raised and the watch
 *       restarted.
 *   <li>{@code fs.inotify.max_user_instances}: each watch is one inotify instance.
 *   <li>{@code fs.inotify.max_queued_events}: a burst of more changes than this before the watch
 *       thread reads them overflows (the JDK also overflows past 512 unread events in one
 *       directory).
 * </ul>
 *
 * <p>Never filters: excludes are the caller's, and the mirror's partial files never exist on the
 * primary.
 */
public final class DirectoryWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectoryWatch.class);

    /** How long {@link #close()} waits for the watch thread (busy in the listener, say). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    /** Invalid names are logged once each; past this many the memory of them starts over. */
    private static final int MAX_REMEMBERED_INVALID_NAMES = 1024;

    /**
     * Where events go; called on the watch's own thread, one call at a time. A call that throws
     * counts as a lost change (the watch then reports {@link #overflowed}); a call that blocks
     * holds up the events behind it, up to an overflow.
     */
    public interface Listener {
        /** {@code path} (relative to the root) was created, modified or deleted. */
        void changed(MirrorPath path);

        /** Events were lost; compare the whole directory. */
        void overflowed(String why);
    }

    private final Path root;
    private final boolean recursive;
    private final Listener listener;
    private final DirectoryWatcher watcher;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Touched only on the watch thread. */
    private final Set<Path> invalidNamesLogged = new HashSet<>();

    private volatile Thread thread;

    private DirectoryWatch(Path root, boolean recursive, Listener listener) throws IOException {
        this.root = root;
        this.recursive = recursive;
        this.listener = listener;
        DirectoryWatcher.Builder builder =
                DirectoryWatcher.builder().path(root).listener(new Events()).fileHashing(false);
        if (!recursive) {
            builder.fileTreeVisitor(rootOnly(root));
        }
        this.watcher = builder.build();
    }

    /**
     * Starts watching; the watch is in place when this returns (events from then on are reported).
     *
     * @param recursive whether subdirectories are watched
     * @throws IOException naming the root if it is missing, not a directory, or cannot be watched
     */
    public static DirectoryWatch start(Path root, boolean recursive, Listener listener)
            throws IOException {
        Path real = realDirectory(root);
        DirectoryWatch watch;
        try {
            watch = new DirectoryWatch(real, recursive, listener);
        } catch (IOException e) {
            throw cannotWatch(real, e);
        }
        watch.begin();
        return watch;
    }

    private static Path realDirectory(Path root) throws IOException {
        if (!Files.exists(root)) {
            throw new IOException("mirrored directory " + root + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new IOException("mirrored directory " + root + " is not a directory");
        }
        return root.toRealPath();
    }

    private static IOException cannotWatch(Path root, Throwable cause) {
        return new IOException("cannot watch " + root + ": " + describe(cause), cause);
    }

    /**
     * Registers the tree on this thread (directory-watcher does so in {@code watchAsync} before it
     * hands the event loop to the executor), then runs the loop on a thread of its own.
     */
    private void begin() throws IOException {
        AtomicBoolean registered = new AtomicBoolean();
        Executor ownThread =
                loop -> {
                    registered.set(true);
                    Thread t = new Thread(loop, "directory-watch " + root);
                    t.setDaemon(true);
                    thread = t;
                    t.start();
                };
        CompletableFuture<Void> running = watcher.watchAsync(ownThread);
        if (!registered.get()) {
            closeWatcher();
            throw cannotWatch(root, running.handle((v, failure) -> failure).join());
        }
        running.whenComplete((v, failure) -> stopped(failure));
    }

    /** The event loop ended without {@link #close()}: tell the caller why, release the watch. */
    private void stopped(Throwable failure) {
        if (closed.get()) {
            return;
        }
        closeWatcher();
        String why;
        if (!Files.isDirectory(root)) {
            why = "mirrored directory " + root + " is gone; its watch stopped";
        } else if (failure != null) {
            why = "the watch of " + root + " failed: " + describe(failure);
        } else {
            why = "the watch of " + root + " stopped (the directory was removed or replaced)";
        }
        log.warn("{}", why, failure);
        listener.overflowed(why);
    }

    /** Stops the watch thread and releases the watch; waits at most two seconds. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeWatcher();
        Thread t = thread;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (t.isAlive()) {
            // Still inside the listener: it will see the watch closed when it returns.
            log.warn("the watch thread of {} did not stop within {}", root, CLOSE_WAIT);
            t.interrupt();
        }
    }

    private void closeWatcher() {
        try {
            // Closing the WatchService wakes the event loop, which then returns.
            watcher.close();
        } catch (IOException e) {
            log.warn("closing the watch of {} failed: {}", root, describe(e));
        }
    }

    /**
     * A tree of one directory, the root, so directory-watcher registers the root alone. A
     * subdirectory created later is handed over as a leaf ({@code onFile}): directory-watcher then
     * reports it without registering or walking it (it registers what {@code onDirectory} is given,
     * and reports both).
     */
    private static FileTreeVisitor rootOnly(Path root) {
        return (start, onDirectory, onFile) -> {
            if (start.equals(root)) {
                onDirectory.call(start);
            } else {
                onFile.call(start);
            }
        };
    }

    /** {@code path} relative to the root, if it is below the root and its name can be mirrored. */
    private Optional<MirrorPath> relative(Path path) {
        if (path == null || !path.startsWith(root) || path.equals(root)) {
            return Optional.empty();
        }
        Path rel = root.relativize(path);
        if (!recursive && rel.getNameCount() > 1) {
            // Unreachable while only the root is registered; keeps the contract regardless.
            return Optional.empty();
        }
        StringJoiner joined = new StringJoiner("/");
        rel.forEach(name -> joined.add(name.toString()));
        try {
            return Optional.of(MirrorPath.parse(joined.toString()));
        } catch (MirrorException e) {
            if (invalidNamesLogged.size() >= MAX_REMEMBERED_INVALID_NAMES) {
                invalidNamesLogged.clear();
            }
            if (invalidNamesLogged.add(path)) {
                log.warn(
                        "not mirroring {}: {}",
                        MirrorPath.printable(path.toString()),
                        e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** The failure's type and message, past the wrappers the event loop's future adds. */
    private static String describe(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** directory-watcher's callbacks, all on the watch thread. */
    private final class Events implements DirectoryChangeListener {
        @Override
        public void onEvent(DirectoryChangeEvent event) {
            if (closed.get()) {
                return;
            }
            switch (event.eventType()) {
                case CREATE, MODIFY, DELETE -> relative(event.path()).ifPresent(this::changed);
                case OVERFLOW -> overflowed(); // not reached with 0.19.1: see onException
            }
        }

        /**
         * A failure while handling one event: registering a new directory (over the inotify watch
         * limit, say) or walking it; its changes may be lost.
         *
         * <p>directory-watcher 0.19.1 also fails here instead of reporting an overflow: the JDK's
         * OVERFLOW event has no path, and looking a null path up throws a NullPointerException. The
         * listener's own failures never arrive here ({@link #changed}), so such an exception is an
         * overflow.
         */
        @Override
        public void onException(Exception e) {
            if (closed.get()) {
                return;
            }
            if (e instanceof NullPointerException) {
                overflowed();
                return;
            }
            String why = "events under " + root + " may have been lost: " + describe(e);
            log.warn("{}", why, e);
            listener.overflowed(why);
        }

        private void overflowed() {
            listener.overflowed("events under " + root + " were lost: the event queue overflowed");
        }

        /** Tells the listener; if it fails, the change is as good as lost. */
        private void changed(MirrorPath path) {
            try {
                listener.changed(path);
            } catch (RuntimeException e) {
                log.error("handling a change of {} under {} failed", path, root, e);
                listener.overflowed("handling a change under " + root + " failed: " + describe(e));
            }
        }

        @Override
        public boolean isWatching() {
            return !closed.get();
        }
    }
}
