package io.switchover.core.mirror;

import java.util.ArrayList;
import java.util.List;

/**
 * A directory's exclude globs, compiled once. A path is excluded when it or any of its ancestors
 * matches one, so an excluded directory hides everything under it even if the listing of a subtree
 * starts below it.
 *
 * <p>Immutable; the daemon builds one per directory and keeps it, since compiling is the costly
 * part.
 */
public final class Excludes {

    /** No exclude at all. */
    public static final Excludes NONE = new Excludes(List.of());

    private final List<Glob> globs;

    private Excludes(List<Glob> globs) {
        this.globs = globs;
    }

    /**
     * Compiles the patterns.
     *
     * @throws IllegalArgumentException for the first pattern that does not compile (see {@link
     *     Glob#compile})
     */
    public static Excludes compile(List<String> patterns) {
        List<Glob> globs = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            globs.add(Glob.compile(pattern));
        }
        return new Excludes(List.copyOf(globs));
    }

    /** Already compiled globs. */
    public static Excludes of(List<Glob> globs) {
        return new Excludes(List.copyOf(globs));
    }

    public List<Glob> globs() {
        return globs;
    }

    /**
     * Whether {@code path} (of type {@code type}) or one of its ancestors (directories) is
     * excluded. The root never is.
     */
    public boolean matches(MirrorPath path, EntryType type) {
        if (globs.isEmpty() || path.isRoot()) {
            return false;
        }
        for (int depth = 1; depth < path.depth(); depth++) {
            if (matchesItself(path.ancestor(depth), EntryType.DIRECTORY)) {
                return true;
            }
        }
        return matchesItself(path, type);
    }

    private boolean matchesItself(MirrorPath path, EntryType type) {
        for (Glob glob : globs) {
            if (glob.matches(path, type)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return globs.toString();
    }
}
