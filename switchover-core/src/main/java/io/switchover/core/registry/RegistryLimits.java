package io.switchover.core.registry;

/**
 * The registry's size limits, checked on every write before anything changes.
 *
 * @param maxDepth most segments in a key path ({@code /a/b} has 2)
 * @param maxSegmentBytes most UTF-8 bytes in one path segment
 * @param maxNameBytes most UTF-8 bytes in a value name
 * @param maxValueBytes most UTF-8 bytes in one value
 * @param maxValuesPerKey most named values one key holds
 */
public record RegistryLimits(
        int maxDepth,
        int maxSegmentBytes,
        int maxNameBytes,
        int maxValueBytes,
        int maxValuesPerKey) {

    /** The defaults: generous for configuration, small enough that one key fits a message. */
    public static final RegistryLimits DEFAULT = new RegistryLimits(32, 255, 255, 65_536, 1_024);

    public RegistryLimits {
        positive("maxDepth", maxDepth);
        positive("maxSegmentBytes", maxSegmentBytes);
        positive("maxNameBytes", maxNameBytes);
        positive("maxValueBytes", maxValueBytes);
        positive("maxValuesPerKey", maxValuesPerKey);
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value);
        }
    }
}
