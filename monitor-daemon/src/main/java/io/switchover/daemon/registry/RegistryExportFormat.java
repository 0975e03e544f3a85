package io.switchover.daemon.registry;

/**
 * The registry's export format: JSON Lines, a header object first ({@code format}, {@code version},
 * {@code key} and what produced it), then one {@code {"key":...,"values":{...}}} object per key in
 * path order. Written by exports and by kept-aside trees, read by imports.
 */
public final class RegistryExportFormat {
    public static final String FORMAT = "switchover-registry";
    public static final int VERSION = 1;

    private RegistryExportFormat() {}
}
