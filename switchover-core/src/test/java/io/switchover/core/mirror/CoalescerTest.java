package io.switchover.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchover.core.mirror.Coalescer.Ready;
import io.switchover.core.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CoalescerTest {

    private static final Duration QUIET = Duration.ofMillis(50);
    private static final Duration MAX_DELAY = Duration.ofSeconds(1);
    private static final String DIR = "/srv/data";
    private static final String OTHER = "/srv/other";

    private final VirtualTime time = VirtualTime.withSeed(42);
    private final List<Ready> delivered = new ArrayList<>();
    private final List<Duration> deliveredAt = new ArrayList<>();
    private final Coalescer coalescer = coalescer(time, QUIET, MAX_DELAY);

    private Coalescer coalescer(VirtualTime t, Duration quiet, Duration maxDelay) {
        return new Coalescer(
                t,
                t,
                quiet,
                maxDelay,
                r -> {
                    delivered.add(r);
                    deliveredAt.add(t.elapsed());
                });
    }

    private static MirrorPath path(String p) {
        try {
            return MirrorPath.parse(p);
        } catch (MirrorException e) {
            throw new AssertionError(e);
        }
    }

    private static Ready ready(String dir, String p) {
        return new Ready(dir, path(p), false);
    }

    private void advanceMillis(long ms) {
        time.advance(Duration.ofMillis(ms));
    }

    @Test
    void touched_burst_shipsOnceAfterItEnds() {
        for (int i = 0; i < 5; i++) {
            coalescer.touched(DIR, path("a/f"));
            advanceMillis(10);
        }
        // last touch at 40 ms: ready at 90 ms
        advanceMillis(39);
        assertThat(delivered).isEmpty();
        assertThat(coalescer.pending(DIR)).isEqualTo(1);

        advanceMillis(1);

        assertThat(delivered).containsExactly(ready(DIR, "a/f"));
        assertThat(deliveredAt).containsExactly(Duration.ofMillis(90));
        assertThat(coalescer.pending(DIR)).isZero();
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void touched_continuousRewrite_shipsAtMaxDelay() {
        for (int i = 0; i < 250; i++) {
            coalescer.touched(DIR, path("log"));
            advanceMillis(10);
        }

        // the touch at 1000 ms comes right after the delivery then, and starts the next burst
        assertThat(delivered).containsExactly(ready(DIR, "log"), ready(DIR, "log"));
        assertThat(deliveredAt).containsExactly(Duration.ofMillis(1000), Duration.ofMillis(2000));
    }

    @Test
    void touched_twoPaths_independent() {
        coalescer.touched(DIR, path("a"));
        advanceMillis(30);
        coalescer.touched(OTHER, path("b"));
        advanceMillis(10);
        coalescer.touched(DIR, path("a"));
        advanceMillis(200);

        assertThat(delivered).containsExactly(ready(OTHER, "b"), ready(DIR, "a"));
        assertThat(deliveredAt).containsExactly(Duration.ofMillis(80), Duration.ofMillis(90));
    }

    @Test
    void touched_afterDelivery_startsNewBurst() {
        coalescer.touched(DIR, path("a"));
        advanceMillis(60);
        coalescer.touched(DIR, path("a"));
        advanceMillis(60);

        assertThat(delivered).containsExactly(ready(DIR, "a"), ready(DIR, "a"));
        assertThat(deliveredAt).containsExactly(Duration.ofMillis(50), Duration.ofMillis(110));
    }

    @Test
    void touched_sameDeadline_firstTouchedFirst() {
        coalescer.touched(DIR, path("z"));
        coalescer.touched(DIR, path("a"));
        coalescer.touched(OTHER, path("m"));
        advanceMillis(50);

        assertThat(delivered).containsExactly(ready(DIR, "z"), ready(DIR, "a"), ready(OTHER, "m"));
    }

    @Test
    void touched_manyPaths_oneTimerAtATime() {
        for (int i = 0; i < 100; i++) {
            coalescer.touched(DIR, path("f" + i));
            advanceMillis(1);
            assertThat(time.pendingDelays()).hasSize(1);
        }
        advanceMillis(100);

        assertThat(delivered).hasSize(100);
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void overflowed_supersedesPendingPathsAndAbsorbsTouches() {
        coalescer.touched(DIR, path("a"));
        coalescer.touched(DIR, path("b"));
        coalescer.touched(OTHER, path("c"));
        advanceMillis(20);
        coalescer.overflowed(DIR);
        assertThat(coalescer.pending(DIR)).isEqualTo(1);
        advanceMillis(20);
        coalescer.touched(DIR, path("d"));
        assertThat(coalescer.pending(DIR)).isEqualTo(1);

        advanceMillis(200);

        assertThat(delivered)
                .containsExactly(ready(OTHER, "c"), new Ready(DIR, MirrorPath.ROOT, true));
        // the absorbed touch at 40 ms extended the quiet time
        assertThat(deliveredAt).containsExactly(Duration.ofMillis(50), Duration.ofMillis(90));
    }

    @Test
    void overflowed_keepsMaxDelayOfSupersededPaths() {
        for (int i = 0; i < 50; i++) {
            coalescer.touched(DIR, path("a"));
            advanceMillis(10);
        }
        coalescer.overflowed(DIR);
        for (int i = 0; i < 100; i++) {
            coalescer.touched(DIR, path("b"));
            advanceMillis(10);
        }

        assertThat(delivered).first().isEqualTo(new Ready(DIR, MirrorPath.ROOT, true));
        assertThat(deliveredAt).first().isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void overflowed_again_extendsQuiet() {
        coalescer.overflowed(DIR);
        advanceMillis(40);
        coalescer.overflowed(DIR);
        advanceMillis(100);

        assertThat(delivered).containsExactly(new Ready(DIR, MirrorPath.ROOT, true));
        assertThat(deliveredAt).containsExactly(Duration.ofMillis(90));
    }

    @Test
    void flush_deliversEverythingNowInFirstTouchOrder() {
        coalescer.touched(DIR, path("b"));
        coalescer.touched(OTHER, path("x"));
        coalescer.touched(DIR, path("a"));
        coalescer.overflowed("/third");
        coalescer.touched(DIR, path("b"));

        coalescer.flush();

        assertThat(delivered)
                .containsExactly(
                        ready(DIR, "b"),
                        ready(OTHER, "x"),
                        ready(DIR, "a"),
                        new Ready("/third", MirrorPath.ROOT, true));
        assertThat(coalescer.pending(DIR)).isZero();
        assertThat(time.pendingDelays()).isEmpty();
        advanceMillis(2000);
        assertThat(delivered).hasSize(4);
    }

    @Test
    void clear_cancelsTimerAndForgets() {
        coalescer.touched(DIR, path("a"));
        coalescer.overflowed(OTHER);

        coalescer.clear();

        assertThat(coalescer.pending(DIR)).isZero();
        assertThat(coalescer.pending(OTHER)).isZero();
        assertThat(time.pendingDelays()).isEmpty();
        advanceMillis(2000);
        assertThat(delivered).isEmpty();
    }

    @Test
    void clear_byConsumerDuringDelivery_stopsTheRest() {
        List<Ready> seen = new ArrayList<>();
        Coalescer[] holder = new Coalescer[1];
        holder[0] =
                new Coalescer(
                        time,
                        time,
                        QUIET,
                        MAX_DELAY,
                        r -> {
                            seen.add(r);
                            holder[0].clear();
                        });
        holder[0].touched(DIR, path("a"));
        holder[0].touched(DIR, path("b"));

        advanceMillis(100);

        assertThat(seen).containsExactly(ready(DIR, "a"));
    }

    @Test
    void touched_byConsumerDuringDelivery_startsNewBurst() {
        List<Ready> seen = new ArrayList<>();
        Coalescer[] holder = new Coalescer[1];
        holder[0] =
                new Coalescer(
                        time,
                        time,
                        QUIET,
                        MAX_DELAY,
                        r -> {
                            seen.add(r);
                            if (seen.size() == 1) {
                                holder[0].touched(r.directory(), r.path());
                            }
                        });
        holder[0].touched(DIR, path("a"));

        advanceMillis(200);

        assertThat(seen).containsExactly(ready(DIR, "a"), ready(DIR, "a"));
    }

    @Test
    void pending_unknownDirectory_zero() {
        assertThat(coalescer.pending("/nothing")).isZero();
    }

    @Test
    void constructor_maxDelayBelowQuiet_throws() {
        assertThatThrownBy(() -> new Coalescer(time, time, QUIET, Duration.ofMillis(10), r -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max delay");
        assertThatThrownBy(
                        () -> new Coalescer(time, time, Duration.ofMillis(-1), MAX_DELAY, r -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- random runs

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 100);
    }

    /** What the test expects of one pending burst. */
    private static final class Expected {
        final long first;
        long last;

        Expected(long first) {
            this.first = first;
            this.last = first;
        }
    }

    private record Key(String directory, MirrorPath path, boolean whole) {}

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void touched_randomEvents_eachBurstDeliveredOnceAtItsDeadline(long seed) {
        Random random = new Random(seed);
        VirtualTime t = VirtualTime.withSeed(seed);
        long quiet = Duration.ofMillis(5 + random.nextInt(50)).toNanos();
        long maxDelay = quiet + Duration.ofMillis(random.nextInt(300)).toNanos();
        Map<Key, Expected> expected = new HashMap<>();
        List<String> problems = new ArrayList<>();
        int[] deliveries = new int[1];
        Coalescer c =
                new Coalescer(
                        t,
                        t,
                        Duration.ofNanos(quiet),
                        Duration.ofNanos(maxDelay),
                        r -> {
                            deliveries[0]++;
                            Key key = new Key(r.directory(), r.path(), r.whole());
                            Expected e = expected.remove(key);
                            long now = t.nanos();
                            if (e == null) {
                                problems.add(r + " delivered without a pending burst");
                            } else {
                                long quietOver = e.last + quiet;
                                long latest = e.first + maxDelay;
                                long deadline = quietOver - latest < 0 ? quietOver : latest;
                                if (now != deadline) {
                                    problems.add(
                                            r
                                                    + " delivered "
                                                    + (now - deadline)
                                                    + " ns from its deadline");
                                }
                            }
                        });
        String[] dirs = {DIR, OTHER};
        String[] names = {"a", "b", "c/d", "e", "f/g/h"};
        for (int step = 0; step < 400; step++) {
            String dir = dirs[random.nextInt(dirs.length)];
            long now = t.nanos();
            int roll = random.nextInt(100);
            if (roll < 60) {
                MirrorPath p = path(names[random.nextInt(names.length)]);
                c.touched(dir, p);
                Expected whole = expected.get(new Key(dir, MirrorPath.ROOT, true));
                if (whole != null) {
                    whole.last = now;
                } else {
                    expected.computeIfAbsent(new Key(dir, p, false), k -> new Expected(now)).last =
                            now;
                }
            } else if (roll < 63) {
                c.overflowed(dir);
                Key wholeKey = new Key(dir, MirrorPath.ROOT, true);
                Expected whole = expected.get(wholeKey);
                if (whole == null) {
                    long first = now;
                    for (var it = expected.entrySet().iterator(); it.hasNext(); ) {
                        var e = it.next();
                        if (e.getKey().directory().equals(dir)) {
                            first = e.getValue().first - first < 0 ? e.getValue().first : first;
                            it.remove();
                        }
                    }
                    whole = new Expected(first);
                    expected.put(wholeKey, whole);
                }
                whole.last = now;
            } else {
                t.advance(Duration.ofMillis(random.nextInt(roll < 98 ? 20 : 500)));
            }
            assertThat(t.pendingDelays()).hasSizeLessThanOrEqualTo(1);
            assertThat(c.pending(dir))
                    .isEqualTo(
                            (int)
                                    expected.keySet().stream()
                                            .filter(k -> k.directory().equals(dir))
                                            .count());
        }
        t.advance(Duration.ofNanos(maxDelay + 1));

        assertThat(problems).isEmpty();
        assertThat(expected).as("bursts never delivered").isEmpty();
        assertThat(deliveries[0]).isPositive();
        assertThat(t.pendingDelays()).isEmpty();
    }
}
