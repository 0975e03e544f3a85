package io.switchover.core.mirror;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A validated path relative to a mirrored directory's root, such as {@code conf/app.yml}; the root
 * itself is the empty path. Every path that arrives from the peer is parsed here before anything
 * touches the disk, so the rules are the first line of the mirror's safety: no leading {@code /}
 * (absolute), no {@code .} or {@code ..} segment, no empty segment, no NUL, no control character
 * (below U+0020, and U+007F), no unpaired surrogate (no UTF-8 form), segments of at most 255 UTF-8
 * bytes, at most 4,096 bytes and 64 segments in all.
 *
 * <p>Paths order segment by segment, so a directory sorts before everything under it and a sorted
 * listing is a depth-first walk.
 */
public final class MirrorPath implements Comparable<MirrorPath> {

    public static final MirrorPath ROOT = new MirrorPath(List.of());

    public static final int MAX_SEGMENT_BYTES = 255;
    public static final int MAX_PATH_BYTES = 4096;
    public static final int MAX_DEPTH = 64;

    private final List<String> segments;

    private MirrorPath(List<String> segments) {
        this.segments = segments;
    }

    /**
     * Parses a relative path ({@code a/b/c}; {@code ""} is the root).
     *
     * @throws MirrorException UNSAFE for an absolute path or a {@code .}/{@code ..} segment,
     *     INVALID for any other broken rule, naming the rule
     */
    public static MirrorPath parse(String path) throws MirrorException {
        if (path == null) {
            throw new MirrorException(MirrorException.Kind.INVALID, "path is missing");
        }
        if (path.isEmpty()) {
            return ROOT;
        }
        if (path.startsWith("/")) {
            throw new MirrorException(
                    MirrorException.Kind.UNSAFE,
                    "path '" + printable(path) + "' is absolute; mirrored paths are relative");
        }
        if (utf8Length(path) > MAX_PATH_BYTES) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "path '"
                            + printable(path.substring(0, 40))
                            + "...' is longer than "
                            + MAX_PATH_BYTES
                            + " bytes");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            checkSegment(path, segment);
            segments.add(segment);
        }
        if (segments.size() > MAX_DEPTH) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "path '" + printable(path) + "' is deeper than " + MAX_DEPTH + " segments");
        }
        return new MirrorPath(Collections.unmodifiableList(segments));
    }

    private static void checkSegment(String path, String segment) throws MirrorException {
        if (segment.equals(".") || segment.equals("..")) {
            throw new MirrorException(
                    MirrorException.Kind.UNSAFE,
                    "path '" + printable(path) + "' has a '" + segment + "' segment");
        }
        if (segment.isEmpty()) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "path '" + printable(path) + "' has an empty segment");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new MirrorException(
                        MirrorException.Kind.INVALID,
                        "path '"
                                + printable(path)
                                + "' has a control character (U+"
                                + String.format("%04X", (int) c)
                                + ")");
            }
            if (Character.isHighSurrogate(c)
                    && (i + 1 == segment.length()
                            || !Character.isLowSurrogate(segment.charAt(i + 1)))) {
                throw new MirrorException(
                        MirrorException.Kind.INVALID,
                        "path '" + printable(path) + "' has an unpaired surrogate");
            }
            if (Character.isLowSurrogate(c)
                    && (i == 0 || !Character.isHighSurrogate(segment.charAt(i - 1)))) {
                throw new MirrorException(
                        MirrorException.Kind.INVALID,
                        "path '" + printable(path) + "' has an unpaired surrogate");
            }
        }
        if (utf8Length(segment) > MAX_SEGMENT_BYTES) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "path '"
                            + printable(path.substring(0, Math.min(path.length(), 40)))
                            + "' has a name longer than "
                            + MAX_SEGMENT_BYTES
                            + " bytes");
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code s} with control characters shown as {@code \\uXXXX}, for messages and logs. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public List<String> segments() {
        return segments;
    }

    public int depth() {
        return segments.size();
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The last segment; empty for the root. */
    public String name() {
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    /** The parent; the root's parent is the root. */
    public MirrorPath parent() {
        return segments.isEmpty() ? this : new MirrorPath(segments.subList(0, segments.size() - 1));
    }

    /**
     * The ancestor made of the first {@code depth} segments ({@code 0}: the root; {@link #depth()}:
     * this path).
     *
     * @throws IllegalArgumentException if {@code depth} is negative or above {@link #depth()}
     */
    public MirrorPath ancestor(int depth) {
        if (depth < 0 || depth > segments.size()) {
            throw new IllegalArgumentException(
                    "no ancestor of depth " + depth + " for '" + this + "'");
        }
        return depth == segments.size() ? this : new MirrorPath(segments.subList(0, depth));
    }

    /**
     * This path with one more segment.
     *
     * @throws MirrorException if {@code name} breaks a rule
     */
    public MirrorPath child(String name) throws MirrorException {
        String joined = isRoot() ? name : this + "/" + name;
        if (name.contains("/")) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "name '" + printable(name) + "' contains '/' under '" + this + "'");
        }
        return parse(joined);
    }

    /** Whether {@code this} is {@code ancestor} or lies under it. */
    public boolean startsWith(MirrorPath ancestor) {
        return segments.size() >= ancestor.segments.size()
                && segments.subList(0, ancestor.segments.size()).equals(ancestor.segments);
    }

    @Override
    public int compareTo(MirrorPath o) {
        int n = Math.min(segments.size(), o.segments.size());
        for (int i = 0; i < n; i++) {
            int c = segments.get(i).compareTo(o.segments.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(segments.size(), o.segments.size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MirrorPath p && segments.equals(p.segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }

    /** The path as written on the wire: segments joined with {@code /}; {@code ""} for the root. */
    @Override
    public String toString() {
        return String.join("/", segments);
    }
}
