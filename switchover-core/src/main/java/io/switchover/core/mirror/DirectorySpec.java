package io.switchover.core.mirror;

import java.util.List;

/**
 * One configured mirrored directory.
 *
 * <p>The directory is known on the wire by its {@code target}: the path on the backup. Each node's
 * configuration lists its own directories by their local {@code source} path and names the peer's
 * copy as {@code target} (the same path by default), so a backup accepts a directory only if the
 * target names one of its own configured sources, and writes only there.
 *
 * @param source absolute path of the directory on this node (as primary, it is read from here)
 * @param target absolute path of the peer's copy (as backup, the peer writes into its own source)
 * @param recursive whether subdirectories are mirrored (the {@code +} prefix in the config)
 * @param mode mirrored once per backup session ({@code INITIAL}) or all the time ({@code
 *     CONTINUOUS})
 * @param excludes globs of paths not mirrored (see {@link Glob}); an excluded directory excludes
 *     everything under it
 */
public record DirectorySpec(
        String source, String target, boolean recursive, Mode mode, List<String> excludes) {

    /** Names of partial files the backup writes before renaming them into place; never mirrored. */
    public static final String PARTIAL_PREFIX = ".switchover-partial-";

    public enum Mode {
        INITIAL,
        CONTINUOUS
    }

    public DirectorySpec {
        excludes = List.copyOf(excludes);
    }

    /** The directory's name on the wire: the path of the backup's copy. */
    public String id() {
        return target;
    }

    /**
     * Whether a path under this directory is mirrored: depth (only the directory's own entries
     * unless recursive), excludes, and partial files, which never are.
     */
    public boolean includes(MirrorPath path, EntryType type) {
        throw new UnsupportedOperationException("TODO");
    }
}
