package io.switchover.daemon.testing;

import io.switchover.core.registry.KeyPath;
import io.switchover.core.registry.KeyValues;
import io.switchover.core.registry.MemoryRegistryStore;
import io.switchover.core.registry.Registry;
import io.switchover.core.registry.RegistryChange;
import io.switchover.core.registry.RegistryException;
import io.switchover.core.registry.RegistryLimits;
import io.switchover.daemon.registry.RegistryOperations;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link RegistryOperations} for tests of the admin API, the CLI and the client: the real core
 * {@link Registry} over a {@link MemoryRegistryStore}, one lock around it, and watchers called in
 * order on a thread of its own, as the contract says. No replication: this node is the primary
 * unless a test {@linkplain #refuseWrites refuses writes}.
 */
public final class LocalRegistryOperations implements RegistryOperations, AutoCloseable {
    /** Keys an import writes between two commits. */
    static final int IMPORT_BATCH = 1_000;

    private final Object lock = new Object();
    private final Registry registry;
    private final ExecutorService watcherThread =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "test-registry-watchers");
                        t.setDaemon(true);
                        return t;
                    });
    private final Set<LocalWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile RegistryException refusal;
    private volatile ExportPause exportPause;

    public LocalRegistryOperations() {
        this(RegistryLimits.DEFAULT);
    }

    public LocalRegistryOperations(RegistryLimits limits) {
        this.registry = new Registry(new MemoryRegistryStore(), limits);
    }

    /** From now on writes fail with {@code kind} and {@code message}, as on a backup. */
    public void refuseWrites(RegistryException.Kind kind, String message) {
        refusal = new RegistryException(kind, message);
    }

    public void acceptWrites() {
        refusal = null;
    }

    /** The next export stops after {@code keys} keys until {@code resume} is counted down. */
    public void pauseNextExport(int keys, CountDownLatch resume) {
        exportPause = new ExportPause(keys, resume);
    }

    private record ExportPause(int keys, CountDownLatch resume) {}

    /** The number of watches open. */
    public int watchCount() {
        return watches.size();
    }

    /** Closes every watch with {@code reason}, after the changes already on their way. */
    public void closeWatches(String reason) {
        for (LocalWatch w : watches) {
            w.end(reason);
        }
    }

    public long keyCount() {
        synchronized (lock) {
            return registry.keyCount();
        }
    }

    @Override
    public Optional<SortedMap<String, String>> get(String key) throws RegistryException {
        synchronized (lock) {
            return registry.get(registry.path(key));
        }
    }

    @Override
    public List<String> list(String key) throws RegistryException {
        synchronized (lock) {
            return registry.children(registry.path(key));
        }
    }

    @Override
    public RegistryChange put(String key, Map<String, String> values) throws RegistryException {
        checkWritable();
        synchronized (lock) {
            return committed(registry.put(registry.path(key), values));
        }
    }

    @Override
    public RegistryChange deleteValue(String key, String name) throws RegistryException {
        checkWritable();
        synchronized (lock) {
            return committed(registry.deleteValue(registry.path(key), name));
        }
    }

    @Override
    public RegistryChange deleteKey(String key) throws RegistryException {
        checkWritable();
        synchronized (lock) {
            return committed(registry.deleteKey(registry.path(key)));
        }
    }

    @Override
    public void export(String subtree, Consumer<KeyValues> out) throws RegistryException {
        ExportPause pause = exportPause;
        exportPause = null;
        synchronized (lock) {
            KeyPath path = registry.path(subtree);
            if (pause == null) {
                registry.export(path, out);
                return;
            }
            int[] n = {0};
            registry.export(
                    path,
                    kv -> {
                        if (n[0]++ == pause.keys()) {
                            await(pause.resume());
                        }
                        out.accept(kv);
                    });
        }
    }

    /** Takes one key at a time, validating it before taking the next; commits every batch. */
    @Override
    public long importKeys(Iterator<KeyValues> keys) throws RegistryException {
        checkWritable();
        long n = 0;
        try {
            while (keys.hasNext()) {
                KeyValues kv = keys.next();
                n++;
                synchronized (lock) {
                    RegistryChange c;
                    try {
                        c = registry.put(registry.path(kv.key().toString()), kv.values());
                    } catch (RegistryException e) {
                        throw new RegistryException(
                                e.kind(), "key " + n + " (" + kv.key() + "): " + e.getMessage());
                    }
                    notifyWatches(c);
                    if (n % IMPORT_BATCH == 0) {
                        registry.commit();
                    }
                }
            }
        } finally {
            synchronized (lock) {
                registry.commit();
            }
        }
        return n;
    }

    @Override
    public Watch watch(String subtree, Consumer<RegistryChange> onChange, Consumer<String> onClosed)
            throws RegistryException {
        KeyPath path;
        synchronized (lock) {
            path = registry.path(subtree);
        }
        LocalWatch w = new LocalWatch(path, onChange, onClosed);
        watches.add(w);
        return w;
    }

    @Override
    public void close() {
        closeWatches("the registry is closing");
        watcherThread.shutdown();
    }

    private void checkWritable() throws RegistryException {
        RegistryException r = refusal;
        if (r != null) {
            throw new RegistryException(r.kind(), r.getMessage());
        }
    }

    /** Under the lock: commits a change and passes it to the watches, in order. */
    private RegistryChange committed(RegistryChange c) throws RegistryException {
        registry.commit();
        notifyWatches(c);
        return c;
    }

    private void notifyWatches(RegistryChange c) {
        for (LocalWatch w : watches) {
            if (w.concerns(c)) {
                watcherThread.execute(() -> w.deliver(c));
            }
        }
    }

    /** Waits for the test to resume a paused export; a server closing meanwhile resumes it. */
    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("export pause never resumed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class LocalWatch implements Watch {
        private final KeyPath subtree;
        private final Consumer<RegistryChange> onChange;
        private final Consumer<String> onClosed;
        private volatile boolean open = true;

        LocalWatch(KeyPath subtree, Consumer<RegistryChange> onChange, Consumer<String> onClosed) {
            this.subtree = subtree;
            this.onChange = onChange;
            this.onClosed = onClosed;
        }

        /** A change within the subtree, or a delete of the subtree itself from above. */
        boolean concerns(RegistryChange c) {
            return c.key().isWithin(subtree)
                    || (c.kind() == RegistryChange.Kind.DELETE_KEY && subtree.isWithin(c.key()));
        }

        void deliver(RegistryChange c) {
            if (open) {
                onChange.accept(c);
            }
        }

        void end(String reason) {
            if (watches.remove(this)) {
                watcherThread.execute(
                        () -> {
                            open = false;
                            onClosed.accept(reason);
                        });
            }
        }

        @Override
        public void close() {
            open = false;
            watches.remove(this);
        }
    }
}
