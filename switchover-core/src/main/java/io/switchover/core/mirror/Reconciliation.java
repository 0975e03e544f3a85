package io.switchover.core.mirror;

import java.util.List;
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
 */
public final class Reconciliation {

    /**
     * @param primary the primary's listing, sorted by path, without the root itself
     * @param backup the backup's listing of the same directory or subtree, same rules
     * @param ambiguousAfterNanos files modified at or after this time (epoch nanos, the primary's
     *     listing time less a margin) are confirmed by hash even when size and time match
     */
    public Reconciliation(
            List<FileEntry> primary, List<FileEntry> backup, long ambiguousAfterNanos) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Files on both sides whose content must be compared by hash before planning. */
    public List<MirrorPath> toConfirm() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The plan, given which of {@link #toConfirm()} have equal content on both sides (the rest are
     * transferred).
     */
    public MirrorPlan plan(Set<MirrorPath> sameContent) {
        throw new UnsupportedOperationException("TODO");
    }
}
