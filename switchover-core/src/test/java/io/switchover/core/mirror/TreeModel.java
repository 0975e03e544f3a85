package io.switchover.core.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A directory tree in memory, for applying plans the way the daemon applies them to disk: content
 * is an id, a directory's time changes whenever an entry is added, replaced or removed in it, and
 * every step checks what the disk would insist on (a parent to create in, something to delete, no
 * directory replaced by a file). The root always exists and is not listed.
 */
final class TreeModel {

    /** One entry; {@code content} identifies a file's bytes (0 for anything else). */
    record Node(EntryType type, long content, long size, long mtime, int mode, String target) {
        static Node file(long content, long mtime, int mode) {
            return new Node(EntryType.FILE, content, sizeOf(content), mtime, mode, "");
        }

        static Node directory(long mtime, int mode) {
            return new Node(EntryType.DIRECTORY, 0, 0, mtime, mode, "");
        }

        static Node link(String target, long mtime) {
            return new Node(EntryType.SYMLINK, 0, 0, mtime, 0777, target);
        }

        /** Sizes collide often on purpose, so that equal sizes hide different contents. */
        static long sizeOf(long content) {
            return content % 4;
        }

        /** What mirroring carries: a link's own time is not. */
        Node mirrored() {
            return type == EntryType.SYMLINK ? new Node(type, 0, 0, 0, mode, target) : this;
        }
    }

    private final TreeMap<MirrorPath, Node> nodes = new TreeMap<>();

    /** Times a step gives the directories it changes: after any time the generators use. */
    private long clock = 1_000_000;

    TreeModel copy() {
        TreeModel copy = new TreeModel();
        copy.nodes.putAll(nodes);
        return copy;
    }

    Map<MirrorPath, Node> nodes() {
        return nodes;
    }

    Node get(MirrorPath path) {
        return nodes.get(path);
    }

    boolean exists(MirrorPath path) {
        return path.isRoot() || nodes.containsKey(path);
    }

    /** Puts a node, no questions asked (for building trees). */
    void put(MirrorPath path, Node node) {
        nodes.put(path, node);
    }

    /** Removes a path and everything under it, no questions asked (for building trees). */
    void removeSubtree(MirrorPath path) {
        nodes.keySet().removeIf(p -> p.startsWith(path));
    }

    List<FileEntry> listing() {
        List<FileEntry> entries = new ArrayList<>();
        nodes.forEach(
                (path, n) ->
                        entries.add(
                                new FileEntry(
                                        path,
                                        n.type(),
                                        n.size(),
                                        n.mtime(),
                                        n.mode(),
                                        n.target())));
        return entries;
    }

    /** The tree as mirroring sees it, for comparing two trees. */
    Map<MirrorPath, Node> mirrored() {
        Map<MirrorPath, Node> m = new TreeMap<>();
        nodes.forEach((path, n) -> m.put(path, n.mirrored()));
        return m;
    }

    /**
     * Applies one step as the daemon would, taking content from {@code primary}.
     *
     * @throws AssertionError if the step could not be applied on disk
     */
    void apply(MirrorOp op, TreeModel primary) {
        MirrorPath path = op.path();
        check(!path.isRoot(), op, "touches the root");
        if (op instanceof MirrorOp.Delete) {
            check(nodes.containsKey(path), op, "deletes nothing");
            removeSubtree(path);
            changed(path.parent(), op);
        } else if (op instanceof MirrorOp.MakeDirectory m) {
            check(m.entry().type() == EntryType.DIRECTORY, op, "is not a directory entry");
            check(!nodes.containsKey(path), op, "creates over an existing entry");
            changed(path.parent(), op);
            nodes.put(path, Node.directory(clock++, m.entry().mode()));
        } else if (op instanceof MirrorOp.Link l) {
            Node old = nodes.get(path);
            check(old == null || old.type() == EntryType.SYMLINK, op, "replaces a non-link");
            changed(path.parent(), op);
            nodes.put(path, Node.link(l.entry().linkTarget(), clock++));
        } else if (op instanceof MirrorOp.Transfer t) {
            Node old = nodes.get(path);
            check(old == null || old.type() == EntryType.FILE, op, "replaces a non-file");
            Node source = primary.get(path);
            check(source != null && source.type() == EntryType.FILE, op, "has no source");
            check(source.size() == t.entry().size(), op, "has a stale size");
            // written as a partial file, renamed into place with the entry's attributes
            changed(path.parent(), op);
            nodes.put(path, Node.file(source.content(), t.entry().mtimeNanos(), t.entry().mode()));
        } else if (op instanceof MirrorOp.SetAttributes a) {
            Node old = nodes.get(path);
            check(old != null, op, "sets attributes of nothing");
            check(old.type() == a.entry().type(), op, "sets attributes across types");
            check(old.type() != EntryType.SYMLINK, op, "sets attributes of a link");
            nodes.put(
                    path,
                    new Node(
                            old.type(),
                            old.content(),
                            old.size(),
                            a.entry().mtimeNanos(),
                            a.entry().mode(),
                            old.target()));
        }
    }

    /** An entry of {@code dir} was added, replaced or removed: its time moves on. */
    private void changed(MirrorPath dir, MirrorOp op) {
        check(exists(dir), op, "has no parent directory");
        if (dir.isRoot()) {
            return;
        }
        Node d = nodes.get(dir);
        check(d.type() == EntryType.DIRECTORY, op, "has a parent that is not a directory");
        nodes.put(dir, Node.directory(clock++, d.mode()));
    }

    private static void check(boolean ok, MirrorOp op, String problem) {
        if (!ok) {
            throw new AssertionError(op + " " + problem);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TreeModel t && nodes.equals(t.nodes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodes);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        nodes.forEach((p, n) -> b.append(p).append(' ').append(n).append('\n'));
        return b.toString();
    }
}
