package io.switchover.daemon.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The written forms of durations ({@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}) and sizes
 * ({@code 65536B}, {@code 64KiB}, {@code 16MiB}, {@code 1GiB}).
 *
 * <p>Only a whole number and one unit are accepted: a unit is never implied (is {@code 30} seconds
 * or milliseconds?), and decimals invite rounding questions; a decimal that has an exact whole form
 * in a smaller unit is answered with that form. Parse failures throw {@link
 * IllegalArgumentException} whose message follows the value in a {@link ConfigProblem}.
 */
final class Units {

    static final String DURATION_FORMS =
            "a whole number followed by ms, s, m or h (250ms, 10s, 2m, 1h)";
    static final String SIZE_FORMS =
            "a whole number followed by B, KiB, MiB or GiB (65536B, 64KiB, 16MiB, 1GiB)";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern DECIMAL_DURATION = Pattern.compile("(\\d+\\.\\d+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)(B|KiB|MiB|GiB)");

    /** Size units from the largest, for rendering. */
    private static final List<SizeUnit> SIZE_UNITS =
            List.of(
                    new SizeUnit("GiB", 1L << 30),
                    new SizeUnit("MiB", 1L << 20),
                    new SizeUnit("KiB", 1L << 10),
                    new SizeUnit("B", 1));

    private record SizeUnit(String symbol, long bytes) {}

    private Units() {}

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "is not a duration: write " + DURATION_FORMS + hint(text));
        }
        try {
            return Duration.of(Long.parseLong(m.group(1)), unit(m.group(2)));
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            throw new IllegalArgumentException("is too large for a duration");
        }
    }

    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("is not a size: write " + SIZE_FORMS);
        }
        try {
            long multiplier =
                    SIZE_UNITS.stream()
                            .filter(u -> u.symbol().equals(m.group(2)))
                            .findFirst()
                            .orElseThrow()
                            .bytes();
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            throw new IllegalArgumentException("is too large for a size");
        }
    }

    /** The largest unit that divides the size exactly: {@code 16MiB}, {@code 65548B}. */
    static String formatSize(long bytes) {
        for (SizeUnit unit : SIZE_UNITS) {
            if (bytes != 0 && bytes % unit.bytes() == 0) {
                return bytes / unit.bytes() + unit.symbol();
            }
        }
        return bytes + "B";
    }

    private static ChronoUnit unit(String symbol) {
        switch (symbol) {
            case "ms":
                return ChronoUnit.MILLIS;
            case "s":
                return ChronoUnit.SECONDS;
            case "m":
                return ChronoUnit.MINUTES;
            case "h":
                return ChronoUnit.HOURS;
            default:
                throw new IllegalStateException("unit " + symbol);
        }
    }

    /** For {@code 1.5s}: the exact whole form ({@code 1500ms}) when there is one. */
    private static String hint(String text) {
        Matcher m = DECIMAL_DURATION.matcher(text);
        if (!m.matches()) {
            return "";
        }
        BigDecimal millis =
                new BigDecimal(m.group(1))
                        .multiply(BigDecimal.valueOf(unit(m.group(2)).getDuration().toMillis()));
        try {
            return "; for " + text + " write " + millis.toBigIntegerExact() + "ms";
        } catch (ArithmeticException notWhole) {
            return "";
        }
    }
}
