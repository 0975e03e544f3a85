package io.switchover.daemon.registry;

import io.switchover.core.registry.RegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the registry: every read, write, replicated change and
 * compare-and-update step runs here, one at a time, so the registry needs no locks and changes
 * reach the backup in the order they were made.
 *
 * <p>Writes are committed in groups: the thread runs every task that is waiting (up to {@link
 * #MAX_GROUP}), then commits once, then runs the tasks' after-commit actions (acknowledgements,
 * replication). Under load many writes share one fsync; alone, a write waits for its own. An action
 * registered with {@link Group#afterCommit} never runs unless the commit succeeded.
 */
final class RegistryThread implements Executor, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryThread.class);

    /** Most tasks in one group: bounds the latency a write adds to those queued behind it. */
    static final int MAX_GROUP = 1_000;

    /** Something run on the registry thread as part of a group. */
    @FunctionalInterface
    interface Task {
        void run(Group group);
    }

    /** What a task can ask of the group it runs in. */
    interface Group {
        /** The group wrote: commit before the after-commit actions. */
        void wrote();

        /** Runs after the group's commit succeeded, or {@code failed} if it did not. */
        void afterCommit(Runnable committed, java.util.function.Consumer<RegistryException> failed);
    }

    /** Commits the registry: called once per group that wrote. */
    @FunctionalInterface
    interface Committer {
        void commit() throws RegistryException;
    }

    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final ScheduledThreadPoolExecutor timers;
    private final Thread thread;
    private final Committer committer;
    private volatile boolean running = true;

    private final Runnable afterEachGroup;

    /**
     * @param afterEachGroup runs after every group's after-commit actions (the replication source
     *     sends what the group committed as one batch)
     */
    RegistryThread(String name, Committer committer, Runnable afterEachGroup) {
        this.committer = committer;
        this.afterEachGroup = afterEachGroup;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.timers =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, name + "-timer");
                            t.setDaemon(true);
                            return t;
                        });
        timers.setRemoveOnCancelPolicy(true);
    }

    void start() {
        thread.start();
    }

    boolean inThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs a task that does not write (or commits itself). */
    @Override
    public void execute(Runnable command) {
        submit(g -> command.run());
    }

    void submit(Task task) {
        if (!running) {
            log.debug("registry thread stopped; dropping a task");
            return;
        }
        queue.add(task);
    }

    /** Runs {@code command} on the registry thread after {@code delay}. */
    ScheduledFuture<?> schedule(Duration delay, Runnable command) {
        return timers.schedule(() -> execute(command), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void loop() {
        List<Task> tasks = new ArrayList<>();
        while (running) {
            Task first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            tasks.add(first);
            queue.drainTo(tasks, MAX_GROUP - 1);
            runGroup(tasks);
            tasks.clear();
        }
    }

    private void runGroup(List<Task> tasks) {
        GroupState group = new GroupState();
        for (Task t : tasks) {
            try {
                t.run(group);
            } catch (RuntimeException | Error e) {
                // A bug in one task must not stop the registry for everyone else.
                log.error("registry task failed", e);
            }
        }
        if (group.after.isEmpty() && !group.wrote) {
            runAfterGroup();
            return;
        }
        RegistryException failure = null;
        if (group.wrote) {
            try {
                committer.commit();
            } catch (RegistryException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure =
                        new RegistryException(
                                RegistryException.Kind.UNAVAILABLE,
                                "the registry store failed to commit: " + e.getMessage(),
                                e);
            }
        }
        for (After a : group.after) {
            try {
                if (failure == null) {
                    a.committed.run();
                } else {
                    a.failed.accept(failure);
                }
            } catch (RuntimeException e) {
                log.error("registry after-commit action failed", e);
            }
        }
        runAfterGroup();
    }

    private void runAfterGroup() {
        try {
            afterEachGroup.run();
        } catch (RuntimeException e) {
            log.error("registry end-of-group action failed", e);
        }
    }

    private record After(
            Runnable committed, java.util.function.Consumer<RegistryException> failed) {}

    private static final class GroupState implements Group {
        boolean wrote;
        final List<After> after = new ArrayList<>();

        @Override
        public void wrote() {
            wrote = true;
        }

        @Override
        public void afterCommit(
                Runnable committed, java.util.function.Consumer<RegistryException> failed) {
            after.add(new After(committed, failed));
        }
    }

    /**
     * Stops after the group running now; waits up to {@code bound} for it. Never interrupts the
     * thread: an interrupt during file I/O closes the store's channel under it.
     */
    void stop(Duration bound) {
        running = false;
        timers.shutdownNow();
        queue.add(g -> {}); // wakes the loop so it sees running == false
        try {
            thread.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
