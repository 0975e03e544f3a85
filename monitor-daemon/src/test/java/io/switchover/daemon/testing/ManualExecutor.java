package io.switchover.daemon.testing;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An executor that only queues: a test decides when queued tasks run, on its own thread. Stands for
 * the core's single executor, so a test can see that a result was queued there and not delivered
 * inside the call.
 */
public final class ManualExecutor implements Executor {
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    public int queued() {
        return tasks.size();
    }

    /** Runs every queued task on the calling thread; returns how many ran. */
    public int runAll() {
        int n = 0;
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
            n++;
        }
        return n;
    }
}
