package io.switchover.core.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A validated registry key path such as {@code /Site/Lines/Line1}. The root is {@code /}. Segments
 * are non-empty, are neither {@code .} nor {@code ..}, contain no {@code /} and no control
 * character (below U+0020, and U+007F), and respect the limits' segment size and depth. A trailing
 * slash is tolerated on input ({@code /a/} is {@code /a}); an empty segment ({@code /a//b}) is not.
 */
public final class KeyPath implements Comparable<KeyPath> {

    /** The root of the tree, which always exists and cannot be deleted. */
    public static final KeyPath ROOT = new KeyPath(List.of());

    private final List<String> segments;

    private KeyPath(List<String> segments) {
        this.segments = segments;
    }

    /**
     * Parses and validates a path.
     *
     * @throws RegistryException INVALID naming the rule broken and where, or LIMIT naming the limit
     */
    public static KeyPath parse(String path, RegistryLimits limits) throws RegistryException {
        if (path == null || path.isEmpty()) {
            throw new RegistryException(
                    RegistryException.Kind.INVALID, "key path is empty; paths start with '/'");
        }
        if (path.charAt(0) != '/') {
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    "key path '" + printable(path) + "' must start with '/'");
        }
        String body =
                path.length() > 1 && path.endsWith("/")
                        ? path.substring(1, path.length() - 1)
                        : path.substring(1);
        if (body.isEmpty()) {
            return ROOT;
        }
        List<String> segments = new ArrayList<>();
        for (String segment : body.split("/", -1)) {
            checkSegment(path, segment, limits);
            segments.add(segment);
            if (segments.size() > limits.maxDepth()) {
                throw new RegistryException(
                        RegistryException.Kind.LIMIT,
                        "key path '"
                                + printable(path)
                                + "' is deeper than the limit of "
                                + limits.maxDepth()
                                + " segments");
            }
        }
        return new KeyPath(Collections.unmodifiableList(segments));
    }

    private static void checkSegment(String path, String segment, RegistryLimits limits)
            throws RegistryException {
        if (segment.isEmpty()) {
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    "key path '" + printable(path) + "' has an empty segment ('//')");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    "key path '" + printable(path) + "' has a '" + segment + "' segment");
        }
        int bad = firstControl(segment);
        if (bad >= 0) {
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    "key path '"
                            + printable(path)
                            + "' has a control character (U+"
                            + String.format("%04X", (int) segment.charAt(bad))
                            + ") in segment '"
                            + printable(segment)
                            + "'");
        }
        int unpaired = Utf8.firstUnpairedSurrogate(segment);
        if (unpaired >= 0) {
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    "key path '"
                            + printable(path)
                            + "' has an unpaired UTF-16 surrogate (U+"
                            + String.format("%04X", (int) segment.charAt(unpaired))
                            + "): it has no UTF-8 form");
        }
        int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxSegmentBytes()) {
            throw new RegistryException(
                    RegistryException.Kind.LIMIT,
                    "key path segment '"
                            + printable(segment.substring(0, Math.min(segment.length(), 40)))
                            + "...' is "
                            + bytes
                            + " bytes, above the limit of "
                            + limits.maxSegmentBytes());
        }
    }

    /** The index of the first control character in {@code s}, or -1. */
    static int firstControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    /** {@code s} with control characters shown as {@code \\uXXXX}, for error messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A key from segments read back from the store, which were validated when written. */
    static KeyPath ofTrusted(List<String> segments) {
        return segments.isEmpty() ? ROOT : new KeyPath(List.copyOf(segments));
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

    /** The parent key; the root has none. */
    public KeyPath parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root has no parent");
        }
        return new KeyPath(segments.subList(0, segments.size() - 1));
    }

    /** The last segment; empty for the root. */
    public String name() {
        return isRoot() ? "" : segments.get(segments.size() - 1);
    }

    /**
     * A child of this key; the segment is validated as in {@link #parse}.
     *
     * @throws RegistryException INVALID or LIMIT as for parse
     */
    public KeyPath child(String segment, RegistryLimits limits) throws RegistryException {
        String path = isRoot() ? "/" + segment : this + "/" + segment;
        checkSegment(path, segment, limits);
        if (segments.size() + 1 > limits.maxDepth()) {
            throw new RegistryException(
                    RegistryException.Kind.LIMIT,
                    "key path '"
                            + printable(path)
                            + "' is deeper than the limit of "
                            + limits.maxDepth()
                            + " segments");
        }
        List<String> s = new ArrayList<>(segments);
        s.add(segment);
        return new KeyPath(Collections.unmodifiableList(s));
    }

    /** Whether this key is {@code ancestor} or lies below it. */
    public boolean isWithin(KeyPath ancestor) {
        return segments.size() >= ancestor.segments.size()
                && segments.subList(0, ancestor.segments.size()).equals(ancestor.segments);
    }

    /** Segment by segment, so that a parent sorts right before its subtree. */
    @Override
    public int compareTo(KeyPath o) {
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
        return o instanceof KeyPath k && segments.equals(k.segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }

    @Override
    public String toString() {
        return isRoot() ? "/" : "/" + String.join("/", segments);
    }
}
