package io.switchover.daemon.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one load of a file accumulates while its sections are read: the problems, the text of every
 * value as written (so a problem found later, e.g. by the core, shows the operator's own text), and
 * every key path the reader asked for (the schema, in order).
 */
final class Binding {

    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private final Path baseDir;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Map<String, String> written = new HashMap<>();
    private final Set<String> asked = new LinkedHashSet<>();
    private final Set<String> leafKeys = new LinkedHashSet<>();

    /**
     * @param baseDir the directory relative paths in the file resolve against
     */
    Binding(Path baseDir) {
        this.baseDir = baseDir;
    }

    void problem(String path, String value, String message) {
        problems.add(new ConfigProblem(path, value, message));
    }

    void add(ConfigProblem problem) {
        problems.add(problem);
    }

    /**
     * Whether a problem was reported for this key or a section that holds it: then a follow-up ("is
     * required", a cross-field rule) would only repeat it.
     */
    boolean hasProblemAt(String path) {
        for (ConfigProblem problem : problems) {
            String p = problem.path();
            if (p.equals(path) || path.startsWith(p + ".") || path.startsWith(p + "[")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a problem was reported for this key or section or anything inside it. */
    boolean hasProblemWithin(String path) {
        for (ConfigProblem problem : problems) {
            String p = problem.path();
            if (p.equals(path) || p.startsWith(path + ".") || p.startsWith(path + "[")) {
                return true;
            }
        }
        return false;
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    void wrote(String path, String text) {
        written.put(path, text);
    }

    /** The value at this path as the operator wrote it, when the file has one. */
    Optional<String> written(String path) {
        return Optional.ofNullable(written.get(path));
    }

    void asked(String path, boolean leaf) {
        asked.add(path);
        if (leaf) {
            leafKeys.add(path);
        }
    }

    /**
     * Every value key the reader asked for (no sections), in schema order. The keys of a list's
     * entries ({@code mirror.initial[0].path}) are asked only when the file has entries.
     */
    List<String> leafKeys() {
        return List.copyOf(leafKeys);
    }

    /** Resolves a path as written against the configuration's directory. */
    Path resolve(String text) {
        return baseDir.resolve(Path.of(text)).normalize();
    }

    /** Checks that a text is a usable path before {@link #resolve(String)} sees it. */
    static Optional<String> pathProblem(String text) {
        if (text.startsWith("~")) {
            // A shell expands ~; the daemon does not, and a literal ~ directory is never meant.
            return Optional.of("starts with ~, which is not expanded here: write the full path");
        }
        try {
            Path.of(text);
            return Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.of("is not a valid path: " + e.getReason());
        }
    }

    /**
     * The problems in schema order (whole-file problems first, an unknown key after the known keys
     * of its section, the items of a list in their order), whatever order the checks ran in.
     */
    List<ConfigProblem> problems() {
        List<String> order = new ArrayList<>(asked);
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        // The items of a list in their order; within one item, in the order they were found.
        sorted.sort(
                Comparator.<ConfigProblem>comparingInt(p -> rank(order, listKey(p.path())))
                        .thenComparingInt(p -> listPosition(p.path())));
        return List.copyOf(sorted);
    }

    /** The path up to its first list position: {@code mirror.initial} for its items' keys. */
    private static String listKey(String path) {
        int bracket = path.indexOf('[');
        return bracket < 0 ? path : path.substring(0, bracket);
    }

    /** The position in the list of {@link #listKey}, -1 for a path outside any list. */
    private static int listPosition(String path) {
        Matcher m = INDEX.matcher(path);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Twice the key's position; a key the schema lacks sorts just after its section's last key. */
    private static int rank(List<String> order, String path) {
        if (path.isEmpty()) {
            return -1;
        }
        String key = INDEX.matcher(path).replaceAll("");
        int exact = order.indexOf(key);
        if (exact >= 0) {
            return 2 * exact;
        }
        int dot = key.lastIndexOf('.');
        String section = dot < 0 ? "" : key.substring(0, dot);
        int last = -1;
        for (int i = 0; i < order.size(); i++) {
            if (section.isEmpty() || order.get(i).startsWith(section + ".")) {
                last = i;
            }
        }
        return last < 0 ? rank(order, section) + 1 : 2 * last + 1;
    }
}
