package io.switchover.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "1000000000, 1s",
        "600000000000, 600s",
        "-1000000000, -1s",
        "250000000, 250ms",
        "1500000000, 1.5s",
        "60000500000, 60.0005s",
        "1500000, 1.5ms",
        "1500, 1.5us",
        "7, 7ns",
    })
    void format_nanos_readsLikeConfiguration(long nanos, String expected) {
        assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void format_tooLongForNanos_fallsBackToIso() {
        assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE, 5))).startsWith("PT");
    }
}
