package io.switchover.core.mirror;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An exclude pattern. A pattern without {@code /} matches an entry's name at any depth ({@code
 * *.tmp}); a pattern with {@code /} matches the whole relative path ({@code cache/**}). {@code *}
 * matches within one segment, {@code **} across segments, {@code ?} one character, {@code [abc]} /
 * {@code [a-z]} / {@code [!a]} one character of a class, {@code {a,b}} alternatives, {@code \}
 * escapes.
 *
 * <p>Details, as in {@code .gitignore}: {@code **} spans segments only as a whole segment ({@code
 * **}{@code /x} matches {@code x} at any depth, the top included; {@code a/**} everything below
 * {@code a} but not {@code a} itself; {@code a/**}{@code /b} {@code a/b}, {@code a/x/b}, ...);
 * elsewhere ({@code a**b}) it is a plain {@code *}. A trailing {@code /} restricts the pattern to
 * directories ({@code build/}); it does not make the pattern a whole-path one. No wildcard matches
 * {@code /}, a class cannot name it, and nothing matches the root. Matching is case-sensitive.
 *
 * <p>Compiled once into a {@link Pattern}; immutable and safe to share.
 */
public final class Glob {
    private final String pattern;
    private final Pattern regex;
    private final boolean wholePath;
    private final boolean directoriesOnly;

    private Glob(String pattern, Pattern regex, boolean wholePath, boolean directoriesOnly) {
        this.pattern = pattern;
        this.regex = regex;
        this.wholePath = wholePath;
        this.directoriesOnly = directoriesOnly;
    }

    /**
     * @throws IllegalArgumentException naming the pattern and what is wrong with it (unclosed
     *     bracket or brace, trailing escape, empty pattern)
     */
    public static Glob compile(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("exclude pattern is empty");
        }
        String body = pattern;
        boolean directoriesOnly = false;
        if (body.endsWith("/") && !escapedAt(body, body.length() - 1)) {
            directoriesOnly = true;
            body = body.substring(0, body.length() - 1);
        }
        Translator t = new Translator(pattern, body);
        String regex = t.translate();
        try {
            return new Glob(pattern, Pattern.compile(regex), t.wholePath, directoriesOnly);
        } catch (PatternSyntaxException e) {
            // The translation escapes everything it does not mean, so this would be a bug; still
            // say so in the pattern's terms.
            throw new IllegalArgumentException(
                    "exclude pattern '" + pattern + "' cannot be compiled: " + e.getDescription());
        }
    }

    /** Whether the character at {@code i} is preceded by an odd number of backslashes. */
    private static boolean escapedAt(String s, int i) {
        int n = 0;
        for (int j = i - 1; j >= 0 && s.charAt(j) == '\\'; j--) {
            n++;
        }
        return n % 2 == 1;
    }

    /**
     * Whether the pattern matches {@code path}, whatever its type: a directories-only pattern
     * matches a path of the right name too. Use {@link #matches(MirrorPath, EntryType)} when the
     * type is known.
     */
    public boolean matches(MirrorPath path) {
        if (path.isRoot()) {
            return false;
        }
        String subject = wholePath ? path.toString() : path.name();
        return regex.matcher(subject).matches();
    }

    /** Whether the pattern matches {@code path} of type {@code type}. */
    public boolean matches(MirrorPath path, EntryType type) {
        if (directoriesOnly && type != EntryType.DIRECTORY) {
            return false;
        }
        return matches(path);
    }

    /** Whether the pattern had a trailing {@code /}: it matches directories only. */
    public boolean directoriesOnly() {
        return directoriesOnly;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && pattern.equals(g.pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }

    /** One pass over the pattern, writing the regex; errors name the original pattern. */
    private static final class Translator {
        private final String original;
        private final String p;
        private final StringBuilder out = new StringBuilder();
        private final StringBuilder literal = new StringBuilder();
        private int i;
        private int braceDepth;
        private boolean wholePath;

        Translator(String original, String body) {
            this.original = original;
            this.p = body;
        }

        private IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("exclude pattern '" + original + "' " + problem);
        }

        String translate() {
            if (p.isEmpty()) {
                throw error("is only '/' (a pattern names something to exclude)");
            }
            while (i < p.length()) {
                char c = p.charAt(i);
                switch (c) {
                    case '\\' -> escape();
                    case '*' -> star();
                    case '?' -> {
                        flush();
                        out.append("[^/]");
                        i++;
                    }
                    case '[' -> characterClass();
                    case '{' -> {
                        flush();
                        out.append("(?:");
                        braceDepth++;
                        i++;
                    }
                    case ',' -> {
                        flush();
                        out.append(braceDepth > 0 ? "|" : ",");
                        i++;
                    }
                    case '}' -> closeBrace();
                    case '/' -> slash();
                    default -> {
                        literal.append(c);
                        i++;
                    }
                }
            }
            if (braceDepth > 0) {
                throw error("has an unclosed '{'");
            }
            flush();
            return out.toString();
        }

        private void closeBrace() {
            if (braceDepth == 0) {
                // like ',', a literal outside alternatives
                literal.append('}');
            } else {
                flush();
                out.append(')');
                braceDepth--;
            }
            i++;
        }

        private void flush() {
            if (literal.length() > 0) {
                out.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
        }

        private void escape() {
            if (i + 1 == p.length()) {
                throw error("ends with an escape '\\' that escapes nothing");
            }
            char c = p.charAt(i + 1);
            // An escaped '/' is still a separator: names cannot contain one.
            wholePath |= c == '/';
            literal.append(c);
            i += 2;
        }

        private void slash() {
            if (i == 0) {
                throw error(
                        "starts with '/'; patterns are relative to the mirrored directory (one"
                                + " with a '/' inside already matches from its top)");
            }
            if (p.charAt(i - 1) == '/' && !escapedAt(p, i - 1)) {
                throw error("has an empty segment ('//'), which no path has");
            }
            if (i == p.length() - 1) {
                throw error("ends with more than one '/'");
            }
            wholePath = true;
            literal.append('/');
            i++;
        }

        /** {@code *}, or {@code **} when it is a whole segment. */
        private void star() {
            int run = 0;
            while (i + run < p.length() && p.charAt(i + run) == '*') {
                run++;
            }
            boolean segmentStart = i == 0 || (p.charAt(i - 1) == '/' && !escapedAt(p, i - 1));
            int after = i + run;
            boolean segmentEnd = after == p.length() || p.charAt(after) == '/';
            flush();
            if (run >= 2 && segmentStart && segmentEnd) {
                if (after == p.length()) {
                    // "a/**": one or more whole segments below; "**" alone: any name.
                    out.append(i == 0 ? ".*" : "[^/]+(?:/[^/]+)*");
                    i = after;
                } else {
                    // "**/": zero or more whole segments, then the rest.
                    wholePath = true;
                    out.append("(?:[^/]+/)*");
                    i = after + 1;
                }
            } else {
                out.append("[^/]*");
                i = after;
            }
        }

        /** {@code [...]}: one character of a class that never includes '/'. */
        private void characterClass() {
            int start = i;
            int j = i + 1;
            boolean negated = j < p.length() && p.charAt(j) == '!';
            if (negated) {
                j++;
            }
            StringBuilder cls = new StringBuilder(negated ? "[^/" : "[");
            boolean first = true;
            while (true) {
                if (j >= p.length()) {
                    throw error("has an unclosed '[' at " + start);
                }
                char c = p.charAt(j);
                if (c == ']' && !first) {
                    break;
                }
                first = false;
                if (c == '\\') {
                    if (j + 1 == p.length()) {
                        throw error("ends with an escape '\\' that escapes nothing");
                    }
                    c = p.charAt(++j);
                }
                if (c == '/') {
                    throw error("has '/' in a class at " + start + "; no pattern matches '/'");
                }
                // a range a-z, unless '-' is the last member ("[a-]")
                if (j + 2 < p.length() && p.charAt(j + 1) == '-' && p.charAt(j + 2) != ']') {
                    int hiAt = j + 2;
                    char hi = p.charAt(hiAt);
                    if (hi == '\\') {
                        if (hiAt + 1 == p.length()) {
                            throw error("ends with an escape '\\' that escapes nothing");
                        }
                        hi = p.charAt(++hiAt);
                    }
                    if (hi == '/') {
                        throw error("has '/' in a class at " + start + "; no pattern matches '/'");
                    }
                    if (hi < c) {
                        throw error("has a reversed range '" + c + "-" + hi + "' at " + start);
                    }
                    appendClassChar(cls, c);
                    cls.append('-');
                    appendClassChar(cls, hi);
                    j = hiAt + 1;
                } else {
                    appendClassChar(cls, c);
                    j++;
                }
            }
            flush();
            // A positive class that names no '/' already cannot match it.
            out.append(cls).append(']');
            i = j + 1;
        }

        private static void appendClassChar(StringBuilder cls, char c) {
            if (c < 0x80 && !Character.isLetterOrDigit(c)) {
                cls.append('\\');
            }
            cls.append(c);
        }
    }
}
