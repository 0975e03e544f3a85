package io.switchover.core.time;

import java.time.Duration;
import java.util.Objects;

/**
 * Notices stalls of the core's own process (a JVM pause, a frozen VM) and remembers the last one,
 * so that a decision resting on elapsed time can ask whether the process was running all along.
 *
 * <p>Evidence comes from wherever the core can compare how long something took with how long it may
 * take: a timer that runs later than due, a ping whose outcome arrives later than its timeout
 * allows, a diagnosis that outlasts its pings. An excess above the threshold is a stall: the
 * process was not running, and the time that passed meanwhile says nothing about the peer. A single
 * late timer is not enough evidence on its own: a freeze that ends just before a deadline leaves
 * that timer almost on time, while the process missed everything before it.
 *
 * <p>Never sleeps, never reads the wall clock: it only compares readings of the injected clock.
 */
public final class StallWatch {

    private final Clock clock;
    private final Duration threshold;
    private boolean noticed;
    private long lastNoticedNanos;

    public StallWatch(Clock clock, Duration threshold) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
    }

    /** Whether something that may take {@code allowed} and took {@code took} reveals a stall. */
    public boolean overran(Duration took, Duration allowed) {
        if (took.minus(allowed).compareTo(threshold) <= 0) {
            return false;
        }
        noticed = true;
        lastNoticedNanos = clock.nanos();
        return true;
    }

    /** Whether a task running {@code late} after it was due reveals a stall. */
    public boolean late(Duration late) {
        return overran(late, Duration.ZERO);
    }

    /**
     * Whether a stall was noticed after {@code sinceNanos}, a reading of the same clock: the
     * process may not have been running for part of the time since then. A stall noticed at that
     * very reading happened before it and does not count.
     */
    public boolean noticedSince(long sinceNanos) {
        return noticed && lastNoticedNanos - sinceNanos > 0;
    }

    /**
     * Starts timing something that may take {@code allowed}; ask {@link Timing#overran} at its end.
     */
    public Timing time(Duration allowed) {
        return new Timing(clock.nanos(), allowed);
    }

    /** The current reading of the clock this watch compares. */
    public long nanos() {
        return clock.nanos();
    }

    /** One timed thing: a ping under way, a pause before the next one. */
    public final class Timing {
        private final long startedNanos;
        private final Duration allowed;

        private Timing(long startedNanos, Duration allowed) {
            this.startedNanos = startedNanos;
            this.allowed = Objects.requireNonNull(allowed, "allowed");
        }

        /** Whether it took longer than allowed plus the threshold; such a stall is remembered. */
        public boolean overran() {
            return StallWatch.this.overran(
                    Duration.ofNanos(clock.nanosSince(startedNanos)), allowed);
        }
    }

    /** How far beyond what it may take something must run to count as a stall. */
    public Duration threshold() {
        return threshold;
    }
}
