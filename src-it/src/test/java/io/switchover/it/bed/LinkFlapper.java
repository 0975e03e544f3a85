package io.switchover.it.bed;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Flaps one node's link: its bridge port in the gateway's namespace goes down and up again and
 * again, each phase lasting a seeded random time between {@code minPhase} and {@code maxPhase}, for
 * {@code total}; it always ends with the link up. Runs on the calling thread (the sleeps are the
 * fault's own timing, not a wait for a result). The same seed gives the same sequence of phases.
 */
public final class LinkFlapper {
    private final TestBed bed;
    private final BedNode node;
    private final long seed;
    private final Duration minPhase;
    private final Duration maxPhase;

    public LinkFlapper(TestBed bed, BedNode node, long seed, Duration minPhase, Duration maxPhase) {
        this.bed = bed;
        this.node = node;
        this.seed = seed;
        this.minPhase = minPhase;
        this.maxPhase = maxPhase;
    }

    /** What a run did. */
    public record Run(int downs, Duration down, Duration up) {
        @Override
        public String toString() {
            return downs + " downs, down " + down.toMillis() + " ms, up " + up.toMillis() + " ms";
        }
    }

    /** Flaps for {@code total}, starting with a down phase; the link is up when this returns. */
    public Run flap(Duration total) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        long end = System.nanoTime() + total.toNanos();
        int downs = 0;
        long downNanos = 0;
        long upNanos = 0;
        boolean down = false;
        try {
            while (System.nanoTime() - end < 0) {
                down = !down;
                long start = System.nanoTime();
                if (down) {
                    bed.linkDown(node);
                    downs++;
                } else {
                    bed.linkUp(node);
                }
                long phase =
                        minPhase.toMillis()
                                + random.nextLong(maxPhase.toMillis() - minPhase.toMillis() + 1);
                Thread.sleep(phase);
                if (down) {
                    downNanos += System.nanoTime() - start;
                } else {
                    upNanos += System.nanoTime() - start;
                }
            }
        } finally {
            bed.linkUp(node);
        }
        return new Run(downs, Duration.ofNanos(downNanos), Duration.ofNanos(upNanos));
    }
}
