package io.switchover.core.mirror;

import io.switchover.core.time.Clock;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Turns a stream of change events into paths ready to ship. A path is ready once no event touched
 * it for {@code quiet} (a burst of writes to one file ships once, after the burst, not half
 * written), but never later than {@code maxDelay} after the first event of the burst (a file
 * rewritten without pause still ships). A directory whose watcher overflowed is ready as a whole
 * (it is compared, not shipped path by path), which supersedes its pending paths.
 *
 * <p>Runs on the thread that owns it; {@code scheduler} runs its timers there too.
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

    public Coalescer(
            Clock clock,
            Scheduler scheduler,
            Duration quiet,
            Duration maxDelay,
            Consumer<Ready> ready) {
        throw new UnsupportedOperationException("TODO");
    }

    /** An event touched {@code path} under {@code directory}. */
    public void touched(String directory, MirrorPath path) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The directory's watcher lost events: the whole directory is ready after the quiet time. */
    public void overflowed(String directory) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Everything pending is ready now (a controlled switchover is draining). */
    public void flush() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Paths of {@code directory} waiting for their burst to end. */
    public int pending(String directory) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Forgets everything pending and cancels the timers. */
    public void clear() {
        throw new UnsupportedOperationException("TODO");
    }
}
