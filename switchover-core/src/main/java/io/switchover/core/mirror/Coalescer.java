package io.switchover.core.mirror;

import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Turns a stream of change events into paths ready to ship. A path is ready once no event touched
 * it for {@code quiet} (a burst of writes to one file ships once, after the burst, not half
 * written), but never later than {@code maxDelay} after the first event of the burst (a file
 * rewritten without pause still ships). A directory whose watcher overflowed is ready as a whole
 * (it is compared, not shipped path by path), which supersedes its pending paths.
 *
 * <p>Runs on the thread that owns it; {@code scheduler} runs its timers there too.
 *
 * <p>Ready paths are delivered in the order their deadlines fall (ties: first touched first); a
 * touch after a delivery starts a new burst. While a whole directory is pending, touches of its
 * paths only extend that burst (the comparison will see them); the whole directory inherits the
 * earliest first touch of the paths it supersedes, so their {@code maxDelay} still holds.
 *
 * <p>Hundreds of files may be touched per second, so a touch costs a map lookup: one timer is armed
 * at a time, for the earliest deadline, and bursts live in a heap by the deadline they had when
 * queued. A touch only ever moves a burst's deadline later, so the heap needs no update: a burst
 * found early at the top is queued again with its current deadline.
 */
public final class Coalescer {

    /**
     * A path ready to ship.
     *
     * @param directory the directory's id
     * @param path the path that changed; the root when {@code whole}
     * @param whole the whole directory must be compared (its watcher overflowed)
     */
    public record Ready(String directory, MirrorPath path, boolean whole) {}

    private final Clock clock;
    private final Scheduler scheduler;
    private final long quietNanos;
    private final long maxDelayNanos;
    private final Consumer<Ready> ready;

    private final Map<String, DirectoryBursts> directories = new HashMap<>();

    /** Bursts by the deadline they had when queued; readings wrap, so compared by subtraction. */
    private final PriorityQueue<Queued> queue =
            new PriorityQueue<>(
                    (a, b) -> {
                        int byDeadline = Long.signum(a.deadline - b.deadline);
                        return byDeadline != 0
                                ? byDeadline
                                : Long.compare(a.burst.order, b.burst.order);
                    });

    private Cancellable timer = Cancellable.DONE;
    private boolean armed;
    private long armedFor;

    /** First-touch order of bursts. */
    private long nextOrder;

    /** Counts {@link #clear()}s, so that a delivery loop notices one made by the consumer. */
    private long clears;

    /**
     * @throws IllegalArgumentException if {@code quiet} is negative or {@code maxDelay} shorter
     */
    public Coalescer(
            Clock clock,
            Scheduler scheduler,
            Duration quiet,
            Duration maxDelay,
            Consumer<Ready> ready) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.ready = Objects.requireNonNull(ready, "ready");
        if (quiet.isNegative() || maxDelay.compareTo(quiet) < 0) {
            throw new IllegalArgumentException(
                    "quiet " + quiet + " must be >= 0 and max delay " + maxDelay + " >= quiet");
        }
        this.quietNanos = quiet.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
    }

    /** An event touched {@code path} under {@code directory}. */
    public void touched(String directory, MirrorPath path) {
        Objects.requireNonNull(path, "path");
        long now = clock.nanos();
        DirectoryBursts d = directories.computeIfAbsent(directory, k -> new DirectoryBursts());
        if (d.whole != null) {
            d.whole.last = now;
            return;
        }
        Burst burst = d.paths.get(path);
        if (burst != null) {
            burst.last = now;
            return;
        }
        burst = new Burst(directory, path, false, now, nextOrder++);
        d.paths.put(path, burst);
        enqueue(burst);
    }

    /** The directory's watcher lost events: the whole directory is ready after the quiet time. */
    public void overflowed(String directory) {
        long now = clock.nanos();
        DirectoryBursts d = directories.computeIfAbsent(directory, k -> new DirectoryBursts());
        if (d.whole != null) {
            d.whole.last = now;
            return;
        }
        long first = now;
        long order = nextOrder++;
        for (Burst superseded : d.paths.values()) {
            superseded.live = false;
            if (superseded.first - first < 0) {
                first = superseded.first;
            }
            order = Math.min(order, superseded.order);
        }
        d.paths.clear();
        d.whole = new Burst(directory, MirrorPath.ROOT, true, first, order);
        d.whole.last = now;
        enqueue(d.whole);
    }

    /** Everything pending is ready now (a controlled switchover is draining). */
    public void flush() {
        List<Burst> all = new ArrayList<>();
        for (DirectoryBursts d : directories.values()) {
            if (d.whole != null) {
                all.add(d.whole);
            }
            all.addAll(d.paths.values());
        }
        forget();
        all.sort(Comparator.comparingLong(b -> b.order));
        deliver(all);
    }

    /** Paths of {@code directory} waiting for their burst to end. */
    public int pending(String directory) {
        DirectoryBursts d = directories.get(directory);
        if (d == null) {
            return 0;
        }
        return d.paths.size() + (d.whole != null ? 1 : 0);
    }

    /** Forgets everything pending and cancels the timers. */
    public void clear() {
        clears++;
        forget();
    }

    private void forget() {
        for (DirectoryBursts d : directories.values()) {
            if (d.whole != null) {
                d.whole.live = false;
            }
            d.paths.values().forEach(b -> b.live = false);
        }
        directories.clear();
        queue.clear();
        disarm();
    }

    private void enqueue(Burst burst) {
        queue.add(new Queued(burst, burst.deadline()));
        arm();
    }

    /** The timer: delivers every burst whose deadline has come, in deadline order. */
    private void fire() {
        armed = false;
        long now = clock.nanos();
        List<Burst> due = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().deadline - now <= 0) {
            Burst burst = queue.poll().burst;
            if (!burst.live) {
                continue;
            }
            long deadline = burst.deadline();
            if (deadline - now > 0) {
                // touched since it was queued: later, not now
                queue.add(new Queued(burst, deadline));
            } else {
                due.add(burst);
                remove(burst);
            }
        }
        due.sort(
                Comparator.comparingLong((Burst b) -> b.deadline() - now)
                        .thenComparingLong(b -> b.order));
        arm();
        deliver(due);
    }

    private void remove(Burst burst) {
        burst.live = false;
        DirectoryBursts d = directories.get(burst.directory);
        if (burst.whole) {
            d.whole = null;
        } else {
            d.paths.remove(burst.path);
        }
        if (d.whole == null && d.paths.isEmpty()) {
            directories.remove(burst.directory);
        }
    }

    private void deliver(List<Burst> bursts) {
        long clearsBefore = clears;
        for (Burst b : bursts) {
            if (clears != clearsBefore) {
                // the consumer cleared everything: what was about to ship is forgotten too
                return;
            }
            ready.accept(new Ready(b.directory, b.path, b.whole));
        }
    }

    /** Keeps the one timer armed for the earliest queued deadline. */
    private void arm() {
        while (!queue.isEmpty() && !queue.peek().burst.live) {
            queue.poll();
        }
        if (queue.isEmpty()) {
            disarm();
            return;
        }
        long deadline = queue.peek().deadline;
        if (armed && armedFor == deadline) {
            return;
        }
        disarm();
        long delay = Math.max(0, deadline - clock.nanos());
        armed = true;
        armedFor = deadline;
        timer = scheduler.schedule(Duration.ofNanos(delay), this::fire);
    }

    private void disarm() {
        timer.cancel();
        timer = Cancellable.DONE;
        armed = false;
    }

    /** The bursts of one directory: its paths', or one for the whole directory. */
    private static final class DirectoryBursts {
        final Map<MirrorPath, Burst> paths = new LinkedHashMap<>();
        Burst whole;
    }

    /** A path's (or a whole directory's) touches since it was last delivered. */
    private final class Burst {
        final String directory;
        final MirrorPath path;
        final boolean whole;
        final long first;
        final long order;
        long last;
        boolean live = true;

        Burst(String directory, MirrorPath path, boolean whole, long first, long order) {
            this.directory = directory;
            this.path = path;
            this.whole = whole;
            this.first = first;
            this.last = first;
            this.order = order;
        }

        /** Quiet after the last touch, but no later than the max delay after the first. */
        long deadline() {
            long quietOver = last + quietNanos;
            long latest = first + maxDelayNanos;
            return quietOver - latest < 0 ? quietOver : latest;
        }
    }

    private record Queued(Burst burst, long deadline) {}
}
