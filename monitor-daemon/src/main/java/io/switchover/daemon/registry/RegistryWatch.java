package io.switchover.daemon.registry;

import io.switchover.core.registry.KeyPath;
import io.switchover.core.registry.RegistryChange;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch of a subtree. The registry thread hands it changes (never blocking: a full queue closes
 * the watch, since a watcher that misses changes must know it did); a pool thread delivers them to
 * the watcher in order, one at a time.
 */
final class RegistryWatch implements Consumer<RegistryChange>, RegistryOperations.Watch {
    private static final Logger log = LoggerFactory.getLogger(RegistryWatch.class);

    private final KeyPath subtree;
    private final Consumer<RegistryChange> onChange;
    private final Consumer<String> onClosed;
    private final Executor delivery;
    private final BlockingQueue<RegistryChange> queue;
    private final int capacity;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable unregister = () -> {};

    RegistryWatch(
            KeyPath subtree,
            Consumer<RegistryChange> onChange,
            Consumer<String> onClosed,
            Executor delivery,
            int capacity) {
        this.subtree = subtree;
        this.onChange = onChange;
        this.onClosed = onClosed;
        this.delivery = delivery;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    void onClose(Runnable unregister) {
        this.unregister = unregister;
        if (closed.get()) {
            unregister.run();
        }
    }

    /** Registry thread: a change was made. */
    @Override
    public void accept(RegistryChange change) {
        if (closed.get() || !concerns(change)) {
            return;
        }
        if (!queue.offer(change)) {
            close("the watcher fell more than " + capacity + " changes behind; watch again");
            return;
        }
        if (scheduled.compareAndSet(false, true)) {
            delivery.execute(this::deliver);
        }
    }

    /** A change at or below the subtree, or a delete of the subtree or of an ancestor. */
    private boolean concerns(RegistryChange change) {
        return change.key().isWithin(subtree)
                || change.kind() == RegistryChange.Kind.DELETE_KEY
                        && subtree.isWithin(change.key());
    }

    private void deliver() {
        while (true) {
            RegistryChange c;
            while (!closed.get() && (c = queue.poll()) != null) {
                try {
                    onChange.accept(c);
                } catch (RuntimeException e) {
                    log.warn("registry watcher of {} failed: {}", subtree, e.toString());
                    close("the watcher failed: " + e.getMessage());
                }
            }
            scheduled.set(false);
            // A change offered after the poll above and before the flag cleared is delivered now.
            if (closed.get() || queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Closes the watch, telling the watcher why. */
    void close(String why) {
        if (closed.compareAndSet(false, true)) {
            unregister.run();
            try {
                onClosed.accept(why);
            } catch (RuntimeException e) {
                log.warn("registry watcher of {} failed on close: {}", subtree, e.toString());
            }
        }
    }

    @Override
    public void close() {
        close("closed by the watcher");
    }
}
