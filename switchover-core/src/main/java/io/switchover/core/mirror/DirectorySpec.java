package io.switchover.core.mirror;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    /**
     * @throws IllegalArgumentException if an exclude pattern does not compile
     */
    public DirectorySpec {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(mode, "mode");
        excludes = List.copyOf(excludes);
        try {
            Excludes.compile(excludes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "mirrored directory '" + source + "': " + e.getMessage(), e);
        }
    }

    /**
     * A directory as configured: {@code configuredPath} is the absolute source path, prefixed with
     * {@code +} when subdirectories are mirrored too; {@code target} defaults to the source path. A
     * trailing {@code /} is dropped.
     *
     * @throws IllegalArgumentException naming the entry: a path that is not absolute, is {@code /}
     *     itself, or has a {@code .}, {@code ..} or empty segment; a bare {@code +}; an exclude
     *     pattern that does not compile
     */
    public static DirectorySpec parse(
            String configuredPath, Optional<String> target, Mode mode, List<String> excludes) {
        Objects.requireNonNull(configuredPath, "configuredPath");
        boolean recursive = configuredPath.startsWith("+");
        String source = recursive ? configuredPath.substring(1) : configuredPath;
        if (recursive && source.isEmpty()) {
            throw new IllegalArgumentException(
                    "mirrored directory '+': the '+' (recursive) is followed by no path");
        }
        source = absolute(configuredPath, "path", source);
        String targetPath =
                target.isPresent() ? absolute(configuredPath, "target", target.get()) : source;
        return new DirectorySpec(source, targetPath, recursive, mode, excludes);
    }

    /** {@code path} checked to be a normal absolute directory path, without a trailing slash. */
    private static String absolute(String entry, String what, String path) {
        String problem = null;
        String normal =
                path.length() > 1 && path.endsWith("/")
                        ? path.substring(0, path.length() - 1)
                        : path;
        if (!normal.startsWith("/")) {
            problem = "is not absolute";
        } else if (normal.equals("/")) {
            problem = "is the root directory '/', which cannot be mirrored";
        } else {
            for (String segment : normal.substring(1).split("/", -1)) {
                if (segment.isEmpty()) {
                    problem = "has an empty segment ('//')";
                } else if (segment.equals(".") || segment.equals("..")) {
                    problem = "has a '" + segment + "' segment";
                }
                if (problem != null) {
                    break;
                }
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException(
                    "mirrored directory '"
                            + MirrorPath.printable(entry)
                            + "': "
                            + what
                            + " '"
                            + MirrorPath.printable(path)
                            + "' "
                            + problem);
        }
        return normal;
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
        return includes(path, type, recursive, excludeRules());
    }

    /**
     * The compiled excludes. Built anew on each call (a record holds no derived state): callers
     * that test many paths, such as a listing, build it once and use {@link #includes(MirrorPath,
     * EntryType, boolean, Excludes)}.
     */
    public Excludes excludeRules() {
        return Excludes.compile(excludes);
    }

    /**
     * The rule of {@link #includes(MirrorPath, EntryType)} for a directory known only by its
     * recursion flag and excludes, as a backup knows the primary's directory from a list request.
     *
     * <p>The root (the directory itself) is included: it is never listed, but it is what the rule
     * is about. Without recursion, only the directory's own files and links are included: no
     * subdirectory, nothing below one (the spec: "only the directory's own files"). A partial file,
     * or anything below a directory with a partial name, never is.
     */
    public static boolean includes(
            MirrorPath path, EntryType type, boolean recursive, Excludes excludes) {
        if (path.isRoot()) {
            return true;
        }
        if (!recursive && (path.depth() > 1 || type == EntryType.DIRECTORY)) {
            return false;
        }
        for (String segment : path.segments()) {
            if (segment.startsWith(PARTIAL_PREFIX)) {
                return false;
            }
        }
        return !excludes.matches(path, type);
    }
}
