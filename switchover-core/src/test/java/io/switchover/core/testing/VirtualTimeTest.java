package io.switchover.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.time.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualTimeTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234567})
    void advance_tasksScheduledOutOfOrder_runInDueOrderAcrossWrap(long seed) {
        VirtualTime time = VirtualTime.withSeed(seed);
        List<String> ran = new ArrayList<>();
        time.schedule(Duration.ofMinutes(3), () -> ran.add("c"));
        time.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
        time.schedule(Duration.ofMinutes(2), () -> ran.add("b"));
        time.schedule(Duration.ofSeconds(1), () -> ran.add("a2"));

        time.advance(Duration.ofMinutes(2).minusNanos(1));
        assertThat(ran).containsExactly("a", "a2");

        time.advance(Duration.ofMinutes(1).plusNanos(1));
        assertThat(ran).containsExactly("a", "a2", "b", "c");
        assertThat(time.elapsed()).isEqualTo(Duration.ofMinutes(3));
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8})
    void withSeed_anySeed_wrapsWithinTwoMinutes(long seed) {
        VirtualTime time = VirtualTime.withSeed(seed);
        long before = time.nanos();
        time.advance(Duration.ofMinutes(2));
        assertThat(time.nanos()).isLessThan(before);
        assertThat(time.nanos() - before).isEqualTo(Duration.ofMinutes(2).toNanos());
    }

    @ParameterizedTest
    @ValueSource(longs = {5})
    void schedule_cancelledBeforeDue_neverRuns(long seed) {
        VirtualTime time = VirtualTime.withSeed(seed);
        List<String> ran = new ArrayList<>();
        Cancellable handle = time.schedule(Duration.ofSeconds(1), () -> ran.add("x"));
        handle.cancel();
        time.advance(Duration.ofSeconds(5));
        assertThat(ran).isEmpty();
        assertThat(time.pendingDelays()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {9})
    void advanceUntil_conditionMetMidway_stopsAtThatTask(long seed) {
        VirtualTime time = VirtualTime.withSeed(seed);
        List<String> ran = new ArrayList<>();
        time.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
        time.schedule(Duration.ofSeconds(2), () -> ran.add("b"));

        boolean met = time.advanceUntil(() -> ran.contains("a"), Duration.ofSeconds(10));

        assertThat(met).isTrue();
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(1));
        assertThat(time.pendingDelays()).containsExactly(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(longs = {11})
    void runDue_zeroDelayChain_runsAllWithoutAdvancing(long seed) {
        VirtualTime time = VirtualTime.withSeed(seed);
        List<String> ran = new ArrayList<>();
        time.schedule(
                Duration.ZERO,
                () -> {
                    ran.add("first");
                    time.schedule(Duration.ZERO, () -> ran.add("second"));
                });
        time.runDue();
        assertThat(ran).containsExactly("first", "second");
        assertThat(time.elapsed()).isZero();
    }
}
