package io.switchover.core.testing;

import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A virtual clock and a deterministic scheduler in one: tasks run only when the test advances time,
 * in due-time order, ties in scheduling order, all on the test's thread.
 *
 * <p>{@link #withSeed} starts just below {@link Long#MAX_VALUE}, so that the clock wraps within the
 * first two minutes of virtual time and any comparison of readings with {@code <} instead of
 * subtraction fails a test.
 */
public final class VirtualTime implements Clock, Scheduler {

    private static final long WRAP_WINDOW_NANOS = Duration.ofMinutes(2).toNanos();

    /** Due order by subtraction (readings wrap), then scheduling order. */
    private final PriorityQueue<Task> queue =
            new PriorityQueue<>(
                    (a, b) -> {
                        int byDue = Long.signum(a.due - b.due);
                        return byDue != 0 ? byDue : Long.compare(a.sequence, b.sequence);
                    });

    private final long start;
    private long now;
    private long sequence;

    private VirtualTime(long start) {
        this.start = start;
        this.now = start;
    }

    /** Starts at {@code startNanos}. */
    public static VirtualTime startingAt(long startNanos) {
        return new VirtualTime(startNanos);
    }

    /** Starts at a seed-chosen reading that wraps past {@link Long#MAX_VALUE} within 2 minutes. */
    public static VirtualTime withSeed(long seed) {
        long offset = Math.floorMod(new Random(seed).nextLong(), WRAP_WINDOW_NANOS);
        return new VirtualTime(Long.MAX_VALUE - offset);
    }

    @Override
    public long nanos() {
        return now;
    }

    /** Virtual time elapsed since this clock was created. */
    public Duration elapsed() {
        return Duration.ofNanos(now - start);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        Task t = new Task(now + delay.toNanos(), sequence++, task);
        queue.add(t);
        return () -> t.cancelled = true;
    }

    /** Runs every task due within {@code duration}, in order, then sets the clock to its end. */
    public void advance(Duration duration) {
        long target = now + duration.toNanos();
        runUntil(target, () -> false);
        now = target;
    }

    /**
     * A stall of the process: the clock jumps by {@code duration} and nothing runs meanwhile. Tasks
     * that fell due during the stall run late, at the next {@link #advance}.
     */
    public void stall(Duration duration) {
        now += duration.toNanos();
    }

    /** Runs tasks already due now (zero-delay tasks, including those they schedule). */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /**
     * Runs tasks in order until {@code condition} holds (checked after each task) or {@code limit}
     * has passed.
     *
     * @return whether the condition holds
     */
    public boolean advanceUntil(BooleanSupplier condition, Duration limit) {
        if (condition.getAsBoolean()) {
            return true;
        }
        long target = now + limit.toNanos();
        if (runUntil(target, condition)) {
            return true;
        }
        now = target;
        return condition.getAsBoolean();
    }

    /** Due times of tasks still pending, relative to now, for assertions on what is armed. */
    public List<Duration> pendingDelays() {
        List<Duration> delays = new ArrayList<>();
        for (Task t : queue) {
            if (!t.cancelled) {
                delays.add(Duration.ofNanos(t.due - now));
            }
        }
        delays.sort(Comparator.naturalOrder());
        return delays;
    }

    private boolean runUntil(long target, BooleanSupplier condition) {
        while (!queue.isEmpty()) {
            Task next = queue.peek();
            if (next.due - target > 0) {
                return false;
            }
            queue.poll();
            if (next.cancelled) {
                continue;
            }
            if (next.due - now > 0) {
                now = next.due;
            }
            next.runnable.run();
            if (condition.getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    private static final class Task {
        final long due;
        final long sequence;
        final Runnable runnable;
        boolean cancelled;

        Task(long due, long sequence, Runnable runnable) {
            this.due = due;
            this.sequence = sequence;
            this.runnable = runnable;
        }
    }
}
