package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource({
        "250ms, PT0.25S",
        "0ms, PT0S",
        "10s, PT10S",
        "0s, PT0S",
        "2m, PT2M",
        "1h, PT1H",
        "3600s, PT1H",
        "90m, PT1H30M",
        "007s, PT7S"
    })
    void parseDuration_everyUnit_parsed(String text, String iso) {
        assertThat(Units.parseDuration(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10", "10 s", "10S", "10sec", "1d", "-1s", "+1s", "1.5", "s", "", "1m30s", "10us",
                "5ns", "PT10S", "1e3ms"
            })
    void parseDuration_otherForms_rejectedWithTheAllowedForms(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration(text))
                .withMessage(
                        "is not a duration: write a whole number followed by ms, s, m or h"
                                + " (250ms, 10s, 2m, 1h)");
    }

    @Test
    void parseDuration_decimalWithWholeMilliseconds_suggestsTheWholeForm() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("1.5s"))
                .withMessageEndingWith("(250ms, 10s, 2m, 1h); for 1.5s write 1500ms");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("0.25h"))
                .withMessageEndingWith("; for 0.25h write 900000ms");
    }

    @Test
    void parseDuration_decimalBelowAMillisecond_noSuggestion() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("1.5ms"))
                .withMessageEndingWith("(250ms, 10s, 2m, 1h)");
    }

    @Test
    void parseDuration_tooLarge_rejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("99999999999999999999h"))
                .withMessage("is too large for a duration");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("9223372036854775807h"))
                .withMessage("is too large for a duration");
    }

    @ParameterizedTest
    @CsvSource({
        "65536B, 65536",
        "0B, 0",
        "64KiB, 65536",
        "16MiB, 16777216",
        "1GiB, 1073741824",
        "3GiB, 3221225472"
    })
    void parseSize_everyUnit_parsed(String text, long bytes) {
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"16", "16MB", "16mib", "16 MiB", "1.5MiB", "-1KiB", "1TiB", "MiB"})
    void parseSize_otherForms_rejectedWithTheAllowedForms(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseSize(text))
                .withMessage(
                        "is not a size: write a whole number followed by B, KiB, MiB or GiB"
                                + " (65536B, 64KiB, 16MiB, 1GiB)");
    }

    @Test
    void parseSize_tooLarge_rejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseSize("9999999999999GiB"))
                .withMessage("is too large for a size");
    }

    @ParameterizedTest
    @CsvSource({"1073741824, 1GiB", "16777216, 16MiB", "131072, 128KiB", "65548, 65548B", "0, 0B"})
    void formatSize_largestExactUnit(long bytes, String text) {
        assertThat(Units.formatSize(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"250ms, 250", "30s, 30000", "2m, 120000", "1h, 3600000"})
    void load_durationInEveryUnit_reachesTheCore(String written, long millis) {
        DaemonConfig config =
                TestYaml.minimal().with("startup", "{window: " + written + "}").valid(dir);

        assertThat(config.core().startupWindow()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"131072B, 131072", "256KiB, 262144", "32MiB, 33554432", "1GiB, 1073741824"})
    void load_sizeInEveryUnit_reachesTheNotifier(String written, int bytes) {
        DaemonConfig config =
                TestYaml.minimal()
                        .with("notifier", "{secret-file: secret, max-frame: " + written + "}")
                        .valid(dir);

        assertThat(config.notifier().maxFrameBytes()).isEqualTo(bytes);
    }

    @Test
    void load_zeroDurationWhereAllowed_accepted() {
        DaemonConfig config =
                TestYaml.minimal().with("unreachable-primary", "{ping-delay: 0s}").valid(dir);

        assertThat(config.core().unreachablePrimaryPingDelay()).isZero();
    }

    @Test
    void load_badDuration_problemShowsTheTextAndTheForms() {
        ConfigProblem problem =
                TestYaml.minimal().with("startup", "{window: 30}").problemAt(dir, "startup.window");

        assertThat(problem.render())
                .isEqualTo(
                        "startup.window: \"30\" is not a duration: write a whole number followed"
                                + " by ms, s, m or h (250ms, 10s, 2m, 1h)");
    }
}
