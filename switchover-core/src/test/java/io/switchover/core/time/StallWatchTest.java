package io.switchover.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.testing.VirtualTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallWatchTest {

    private static final Duration THRESHOLD = Duration.ofSeconds(5);

    private final VirtualTime time = VirtualTime.withSeed(8);
    private final StallWatch watch = new StallWatch(time, THRESHOLD);

    @Test
    void overran_withinAllowedPlusThreshold_noStall() {
        assertThat(watch.overran(Duration.ofSeconds(10), Duration.ofSeconds(5))).isFalse();
        assertThat(watch.noticedSince(time.nanos() - 1)).isFalse();
    }

    @Test
    void overran_beyondAllowedPlusThreshold_stallRemembered() {
        long before = time.nanos();
        time.advance(Duration.ofSeconds(1));

        assertThat(watch.overran(Duration.ofSeconds(11), Duration.ofSeconds(5))).isTrue();
        assertThat(watch.noticedSince(before)).isTrue();
    }

    @Test
    void noticedSince_stallNoticedAtThatVeryReading_doesNotCount() {
        assertThat(watch.late(Duration.ofSeconds(6))).isTrue();
        long now = time.nanos();

        // A stall noticed at the reading itself happened before it.
        assertThat(watch.noticedSince(now)).isFalse();
        time.advance(Duration.ofSeconds(1));
        assertThat(watch.noticedSince(now)).isFalse();
    }

    @Test
    void timing_taskRunsLateAfterAStall_overranAndRemembered() {
        StallWatch.Timing timing = watch.time(Duration.ofSeconds(2));
        long started = time.nanos();

        time.stall(Duration.ofSeconds(30));

        assertThat(timing.overran()).isTrue();
        assertThat(watch.noticedSince(started)).isTrue();
    }

    @Test
    void timing_onTime_notOverran() {
        StallWatch.Timing timing = watch.time(Duration.ofSeconds(2));
        time.advance(Duration.ofSeconds(7));
        assertThat(timing.overran()).isFalse();
    }
}
