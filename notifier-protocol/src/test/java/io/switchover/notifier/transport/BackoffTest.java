package io.switchover.notifier.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void nominal_doublesFromInitialAndStopsAtMax() {
        assertThat(backoff.nominalNanos(0)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(backoff.nominalNanos(1)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(backoff.nominalNanos(5)).isEqualTo(Duration.ofMillis(3200).toNanos());
        assertThat(backoff.nominalNanos(6)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(backoff.nominalNanos(Integer.MAX_VALUE))
                .isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void delay_jitterStaysBetweenHalfAndFullNominal() {
        for (int attempt = 0; attempt < 40; attempt++) {
            long nominal = backoff.nominalNanos(attempt);
            assertThat(backoff.delayNanos(attempt, () -> 0.0)).isEqualTo(nominal / 2);
            assertThat(backoff.delayNanos(attempt, () -> 0.999999)).isBetween(nominal / 2, nominal);
        }
    }

    @Test
    void constructor_maxBelowInitial_rejected() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("below the initial delay");
    }
}
