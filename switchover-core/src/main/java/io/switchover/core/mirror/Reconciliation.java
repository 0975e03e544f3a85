package io.switchover.core.mirror;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares the primary's and the backup's listings of one directory (or of one subtree of it) and
 * plans what makes the backup's copy identical: transfer what differs, delete what the primary no
 * longer has, fix modes and times where only they differ.
 *
 * <p>Two phases. Listings compare by type, size, modification time and mode. A file whose size
 * matches but whose time differs, or whose time is so recent that a write may still be landing in
 * the same timestamp (at or after {@code ambiguousAfterNanos}), is first confirmed by content hash:
 * {@link #toConfirm()} names those files, and {@link #plan(Set)} takes the ones whose hashes turned
 * out equal (only their attributes are then set; the others are transferred).
 *
 * <p>The plan's order is the order to apply it in: deletes (a removed subtree once, at its top;
 * anything whose type changes is deleted first), directories to create (parents first), links,
 * transfers, file attributes, and last directory attributes (deepest first, since adding and
 * removing entries changes a directory's time).
 *
 * <p>What is compared, by type: a file's size, time and mode (content when confirmed); a
 * directory's time and mode; a link's target only (a link's own time and mode are not carried). A
 * directory gets its attributes set when they differ, when it is created, and when a step adds,
 * replaces or removes one of its entries (that changes its time on the backup); setting a file's
 * attributes does not. The listed root itself (the directory, or the subtree's top) is not listed,
 * so its attributes are not planned here.
 *
 * <p>Files whose size and time match and whose time is older than {@code ambiguousAfterNanos} are
 * trusted to be equal without reading them: that is the price of not hashing every file.
 */
public final class Reconciliation {

    /** Deepest first, then path order: a directory's attributes after its subdirectories'. */
    private static final Comparator<FileEntry> DEEPEST_FIRST =
            Comparator.comparingInt((FileEntry e) -> -e.path().depth())
                    .thenComparing(FileEntry::path);

    private final List<MirrorPath> deletes = new ArrayList<>();
    private final List<FileEntry> makeDirectories = new ArrayList<>();
    private final List<FileEntry> links = new ArrayList<>();
    private final List<FileEntry> transfers = new ArrayList<>();
    private final List<FileEntry> fileAttributes = new ArrayList<>();

    /** Files whose content decides between a transfer and attributes, in path order. */
    private final Map<MirrorPath, Both> confirm = new LinkedHashMap<>();

    /** The primary's directories that will exist on the backup, in path order. */
    private final List<FileEntry> directories = new ArrayList<>();

    /** Those of {@link #directories} whose attributes are to be set whatever else happens. */
    private final Set<MirrorPath> directoriesDiffering = new HashSet<>();

    private record Both(FileEntry primary, FileEntry backup) {}

    /**
     * @param primary the primary's listing, sorted by path, without the root itself
     * @param backup the backup's listing of the same directory or subtree, same rules
     * @param ambiguousAfterNanos files modified at or after this time (epoch nanos, the primary's
     *     listing time less a margin) are confirmed by hash even when size and time match
     * @throws IllegalArgumentException if a listing is not strictly sorted by path or lists the
     *     root
     */
    public Reconciliation(
            List<FileEntry> primary, List<FileEntry> backup, long ambiguousAfterNanos) {
        checkSorted(primary, "primary");
        checkSorted(backup, "backup");
        int i = 0;
        int j = 0;
        // A backup directory being deleted: everything under it goes with it, unmentioned.
        MirrorPath deletedSubtree = null;
        while (i < primary.size() || j < backup.size()) {
            if (j < backup.size()
                    && deletedSubtree != null
                    && backup.get(j).path().startsWith(deletedSubtree)) {
                j++;
                continue;
            }
            FileEntry p = i < primary.size() ? primary.get(i) : null;
            FileEntry b = j < backup.size() ? backup.get(j) : null;
            int order = p == null ? 1 : b == null ? -1 : p.path().compareTo(b.path());
            if (order < 0) {
                create(p);
                i++;
            } else if (order > 0) {
                deletes.add(b.path());
                if (b.type() == EntryType.DIRECTORY) {
                    deletedSubtree = b.path();
                }
                j++;
            } else {
                if (p.type() != b.type()) {
                    deletes.add(b.path());
                    if (b.type() == EntryType.DIRECTORY) {
                        deletedSubtree = b.path();
                    }
                    create(p);
                } else {
                    compare(p, b, ambiguousAfterNanos);
                }
                i++;
                j++;
            }
        }
    }

    private static void checkSorted(List<FileEntry> listing, String side) {
        Objects.requireNonNull(listing, side);
        MirrorPath previous = null;
        for (FileEntry e : listing) {
            if (e.path().isRoot()) {
                throw new IllegalArgumentException("the " + side + " listing lists the root");
            }
            if (previous != null && previous.compareTo(e.path()) >= 0) {
                throw new IllegalArgumentException(
                        "the "
                                + side
                                + " listing is not sorted by path: '"
                                + e.path()
                                + "' after '"
                                + previous
                                + "'");
            }
            previous = e.path();
        }
    }

    /** A path only the primary has (or whose old version was deleted). */
    private void create(FileEntry p) {
        switch (p.type()) {
            case FILE -> transfers.add(p);
            case SYMLINK -> links.add(p);
            case DIRECTORY -> {
                makeDirectories.add(p);
                // created with the right mode, but its time is whatever creating it and filling
                // it leaves
                directory(p, true);
            }
        }
    }

    private void directory(FileEntry p, boolean attributesNeeded) {
        directories.add(p);
        if (attributesNeeded) {
            directoriesDiffering.add(p.path());
        }
    }

    /** A path both have, with the same type. */
    private void compare(FileEntry p, FileEntry b, long ambiguousAfterNanos) {
        switch (p.type()) {
            case DIRECTORY -> directory(p, !sameAttributes(p, b));
            case SYMLINK -> {
                if (!p.linkTarget().equals(b.linkTarget())) {
                    links.add(p);
                }
            }
            case FILE -> {
                if (p.size() != b.size()) {
                    transfers.add(p);
                } else if (p.mtimeNanos() != b.mtimeNanos()
                        || p.mtimeNanos() >= ambiguousAfterNanos) {
                    confirm.put(p.path(), new Both(p, b));
                } else if (p.mode() != b.mode()) {
                    fileAttributes.add(p);
                }
            }
        }
    }

    private static boolean sameAttributes(FileEntry p, FileEntry b) {
        return p.mtimeNanos() == b.mtimeNanos() && p.mode() == b.mode();
    }

    /** Files on both sides whose content must be compared by hash before planning. */
    public List<MirrorPath> toConfirm() {
        return List.copyOf(confirm.keySet());
    }

    /**
     * The plan, given which of {@link #toConfirm()} have equal content on both sides (the rest are
     * transferred). Paths in {@code sameContent} that were not to be confirmed are ignored. May be
     * called more than once.
     */
    public MirrorPlan plan(Set<MirrorPath> sameContent) {
        List<FileEntry> transferred = new ArrayList<>(transfers);
        List<FileEntry> attributed = new ArrayList<>(fileAttributes);
        for (Both both : confirm.values()) {
            FileEntry p = both.primary();
            if (!sameContent.contains(p.path())) {
                transferred.add(p);
            } else if (!sameAttributes(p, both.backup())) {
                attributed.add(p);
            }
        }
        transferred.sort(Comparator.comparing(FileEntry::path));
        attributed.sort(Comparator.comparing(FileEntry::path));

        // Every step but setting attributes adds, replaces or removes an entry of the parent.
        Set<MirrorPath> touched = new HashSet<>();
        deletes.forEach(path -> touched.add(path.parent()));
        for (List<FileEntry> created : List.of(makeDirectories, links, transferred)) {
            created.forEach(e -> touched.add(e.path().parent()));
        }
        List<FileEntry> directoryAttributes = new ArrayList<>();
        for (FileEntry d : directories) {
            if (directoriesDiffering.contains(d.path()) || touched.contains(d.path())) {
                directoryAttributes.add(d);
            }
        }
        directoryAttributes.sort(DEEPEST_FIRST);

        List<MirrorOp> ops = new ArrayList<>();
        deletes.forEach(path -> ops.add(new MirrorOp.Delete(path)));
        makeDirectories.forEach(e -> ops.add(new MirrorOp.MakeDirectory(e)));
        links.forEach(e -> ops.add(new MirrorOp.Link(e)));
        transferred.forEach(e -> ops.add(new MirrorOp.Transfer(e)));
        attributed.forEach(e -> ops.add(new MirrorOp.SetAttributes(e)));
        directoryAttributes.forEach(e -> ops.add(new MirrorOp.SetAttributes(e)));
        return new MirrorPlan(ops);
    }
}
