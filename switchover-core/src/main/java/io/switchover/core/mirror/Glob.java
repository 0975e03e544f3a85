package io.switchover.core.mirror;

/**
 * An exclude pattern. A pattern without {@code /} matches an entry's name at any depth ({@code
 * *.tmp}); a pattern with {@code /} matches the whole relative path ({@code cache/**}). {@code *}
 * matches within one segment, {@code **} across segments, {@code ?} one character, {@code [abc]} /
 * {@code [a-z]} / {@code [!a]} one character of a class, {@code {a,b}} alternatives, {@code \}
 * escapes.
 */
public final class Glob {
    private final String pattern;

    private Glob(String pattern) {
        this.pattern = pattern;
    }

    /**
     * @throws IllegalArgumentException naming the pattern and what is wrong with it (unclosed
     *     bracket or brace, trailing escape, empty pattern)
     */
    public static Glob compile(String pattern) {
        throw new UnsupportedOperationException("TODO");
    }

    public boolean matches(MirrorPath path) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public String toString() {
        return pattern;
    }
}
