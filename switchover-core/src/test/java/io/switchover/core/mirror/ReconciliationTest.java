package io.switchover.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchover.core.mirror.MirrorOp.Delete;
import io.switchover.core.mirror.MirrorOp.Link;
import io.switchover.core.mirror.MirrorOp.MakeDirectory;
import io.switchover.core.mirror.MirrorOp.SetAttributes;
import io.switchover.core.mirror.MirrorOp.Transfer;
import io.switchover.core.mirror.TreeModel.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReconciliationTest {

    /** Times of the primary's entries; the newest are at the ambiguity threshold. */
    private static final long[] PRIMARY_TIMES = {100, 200, 300, 400};

    private static final long AMBIGUOUS_AFTER = 400;

    /** Times only the backup's diverging entries have, so they never equal the primary's. */
    private static final long[] BACKUP_TIMES = {150, 250, 350};

    private static final int[] MODES = {0644, 0600, 0755};
    private static final String[] NAMES = {"a", "b", "c", "a-b", "a.x", "z", "\u00e9"};
    private static final String[] TARGETS = {"a", "../x", "/etc/hosts"};

    private static MirrorPath path(String p) {
        try {
            return MirrorPath.parse(p);
        } catch (MirrorException e) {
            throw new AssertionError(e);
        }
    }

    private static FileEntry file(String p, long size, long mtime, int mode) {
        return FileEntry.file(path(p), size, mtime, mode);
    }

    private static FileEntry dir(String p, long mtime, int mode) {
        return FileEntry.directory(path(p), mtime, mode);
    }

    private static MirrorPlan plan(List<FileEntry> primary, List<FileEntry> backup) {
        Reconciliation r = new Reconciliation(primary, backup, AMBIGUOUS_AFTER);
        assertThat(r.toConfirm()).isEmpty();
        return r.plan(Set.of());
    }

    // ---------------------------------------------------------------- simple cases, exact plans

    @Test
    void plan_identicalTrees_empty() {
        List<FileEntry> tree =
                List.of(
                        dir("d", 100, 0755),
                        file("d/f", 3, 100, 0644),
                        FileEntry.symlink(path("d/l"), "f", 100),
                        file("g", 0, 200, 0600));

        assertThat(plan(tree, tree).isEmpty()).isTrue();
    }

    @Test
    void plan_bothEmpty_empty() {
        assertThat(plan(List.of(), List.of()).isEmpty()).isTrue();
    }

    @Test
    void plan_oneFileChangedInSubdirectory_transferThenParentAttributes() {
        FileEntry changed = file("d/f", 4, 200, 0644);

        MirrorPlan plan =
                plan(
                        List.of(dir("d", 200, 0755), changed, file("d/g", 1, 100, 0644)),
                        List.of(
                                dir("d", 200, 0755),
                                file("d/f", 3, 100, 0644),
                                file("d/g", 1, 100, 0644)));

        assertThat(plan.ops())
                .containsExactly(new Transfer(changed), new SetAttributes(dir("d", 200, 0755)));
        assertThat(plan.transferBytes()).isEqualTo(4);
    }

    @Test
    void plan_oneTopLevelFileChanged_oneTransfer() {
        FileEntry changed = file("f", 9, 200, 0644);

        MirrorPlan plan =
                plan(
                        List.of(changed, file("g", 1, 100, 0644)),
                        List.of(file("f", 1, 100, 0644), file("g", 1, 100, 0644)));

        assertThat(plan.ops()).containsExactly(new Transfer(changed));
    }

    @Test
    void plan_directoryRenamed_oneDeleteThenCreates() {
        List<FileEntry> backup =
                List.of(
                        dir("old", 100, 0755),
                        dir("old/sub", 100, 0700),
                        file("old/sub/x", 1, 100, 0644),
                        file("old/y", 2, 100, 0644));
        List<FileEntry> primary =
                List.of(
                        dir("new", 100, 0755),
                        dir("new/sub", 100, 0700),
                        file("new/sub/x", 1, 100, 0644),
                        file("new/y", 2, 100, 0644));

        assertThat(plan(primary, backup).ops())
                .containsExactly(
                        new Delete(path("old")),
                        new MakeDirectory(primary.get(0)),
                        new MakeDirectory(primary.get(1)),
                        new Transfer(primary.get(2)),
                        new Transfer(primary.get(3)),
                        new SetAttributes(primary.get(1)),
                        new SetAttributes(primary.get(0)));
    }

    @Test
    void plan_backupOnlySubtree_deletedOnceAtItsTop() {
        List<FileEntry> backup =
                List.of(
                        dir("gone", 100, 0755),
                        dir("gone/a", 100, 0755),
                        file("gone/a/b", 1, 100, 0644),
                        file("gone/c", 1, 100, 0644),
                        file("kept", 1, 100, 0644));

        assertThat(plan(List.of(file("kept", 1, 100, 0644)), backup).ops())
                .containsExactly(new Delete(path("gone")));
    }

    @Test
    void plan_fileBecameDirectory_deleteThenCreateWithChildren() {
        List<FileEntry> primary = List.of(dir("x", 100, 0755), file("x/f", 1, 100, 0644));

        assertThat(plan(primary, List.of(file("x", 5, 100, 0644))).ops())
                .containsExactly(
                        new Delete(path("x")),
                        new MakeDirectory(primary.get(0)),
                        new Transfer(primary.get(1)),
                        new SetAttributes(primary.get(0)));
    }

    @Test
    void plan_directoryBecameLink_childrenOfBackupNotMentioned() {
        FileEntry link = FileEntry.symlink(path("x"), "elsewhere", 100);
        List<FileEntry> backup =
                List.of(dir("x", 100, 0755), file("x/f", 1, 100, 0644), file("y", 1, 100, 0644));

        assertThat(plan(List.of(link, file("y", 1, 100, 0644)), backup).ops())
                .containsExactly(new Delete(path("x")), new Link(link));
    }

    @Test
    void plan_sameSizeOtherTime_confirmedThenAttributesOrTransfer() {
        FileEntry p = file("d/f", 3, 200, 0644);
        Reconciliation r =
                new Reconciliation(
                        List.of(dir("d", 100, 0755), p),
                        List.of(dir("d", 100, 0755), file("d/f", 3, 150, 0644)),
                        AMBIGUOUS_AFTER);

        assertThat(r.toConfirm()).containsExactly(path("d/f"));
        assertThat(r.plan(Set.of(path("d/f"))).ops()).containsExactly(new SetAttributes(p));
        assertThat(r.plan(Set.of()).ops())
                .containsExactly(new Transfer(p), new SetAttributes(dir("d", 100, 0755)));
    }

    @Test
    void plan_recentFileMatchingInAll_confirmedByHash() {
        FileEntry p = file("f", 3, AMBIGUOUS_AFTER + 5, 0644);
        Reconciliation r = new Reconciliation(List.of(p), List.of(p), AMBIGUOUS_AFTER);

        assertThat(r.toConfirm()).containsExactly(path("f"));
        assertThat(r.plan(Set.of(path("f"))).isEmpty()).isTrue();
        assertThat(r.plan(Set.of()).ops()).containsExactly(new Transfer(p));
    }

    @Test
    void plan_recentFileOnlyModeDiffers_attributesAfterConfirmation() {
        FileEntry p = file("f", 3, AMBIGUOUS_AFTER, 0600);
        Reconciliation r =
                new Reconciliation(
                        List.of(p), List.of(file("f", 3, AMBIGUOUS_AFTER, 0644)), AMBIGUOUS_AFTER);

        assertThat(r.plan(Set.of(path("f"))).ops()).containsExactly(new SetAttributes(p));
    }

    @Test
    void plan_onlyModeDiffers_attributesWithoutConfirmation() {
        FileEntry p = file("f", 3, 100, 0600);

        assertThat(plan(List.of(p), List.of(file("f", 3, 100, 0644))).ops())
                .containsExactly(new SetAttributes(p));
    }

    @Test
    void plan_linkTargetDiffers_linkReplaced_timeIgnored() {
        FileEntry link = FileEntry.symlink(path("l"), "new", 100);

        assertThat(plan(List.of(link), List.of(FileEntry.symlink(path("l"), "old", 100))).ops())
                .containsExactly(new Link(link));
        assertThat(plan(List.of(link), List.of(FileEntry.symlink(path("l"), "new", 150))).isEmpty())
                .isTrue();
    }

    @Test
    void plan_directoryAttributesDiffer_attributesOnly() {
        FileEntry d = dir("d", 100, 0700);

        assertThat(plan(List.of(d), List.of(dir("d", 150, 0755))).ops())
                .containsExactly(new SetAttributes(d));
    }

    @Test
    void plan_fileAttributesOnly_parentDirectoryUntouched() {
        FileEntry f = file("d/f", 1, 100, 0600);

        assertThat(
                        plan(
                                        List.of(dir("d", 100, 0755), f),
                                        List.of(dir("d", 100, 0755), file("d/f", 1, 100, 0644)))
                                .ops())
                .containsExactly(new SetAttributes(f));
    }

    @Test
    void plan_everyKind_inApplyOrder() {
        List<FileEntry> primary =
                List.of(
                        dir("a", 100, 0755),
                        dir("a/b", 100, 0755),
                        file("a/b/f", 1, 100, 0600),
                        FileEntry.symlink(path("a/l"), "b", 100),
                        dir("n", 100, 0755),
                        file("n/f", 2, 100, 0644),
                        file("t", 3, 100, 0644));
        List<FileEntry> backup =
                List.of(
                        dir("a", 100, 0755),
                        dir("a/b", 100, 0755),
                        file("a/b/f", 1, 100, 0644),
                        file("a/old", 1, 100, 0644),
                        file("t", 2, 100, 0644));

        assertThat(plan(primary, backup).ops())
                .containsExactly(
                        new Delete(path("a/old")),
                        new MakeDirectory(primary.get(4)),
                        new Link(primary.get(3)),
                        new Transfer(primary.get(5)),
                        new Transfer(primary.get(6)),
                        new SetAttributes(primary.get(2)),
                        new SetAttributes(primary.get(0)),
                        new SetAttributes(primary.get(4)));
    }

    @Test
    void plan_sameContentNamesUnconfirmedPath_ignored() {
        FileEntry p = file("f", 2, 100, 0644);

        MirrorPlan plan =
                new Reconciliation(List.of(p), List.of(), AMBIGUOUS_AFTER).plan(Set.of(path("f")));

        assertThat(plan.ops()).containsExactly(new Transfer(p));
    }

    @Test
    void constructor_unsortedListing_throws() {
        List<FileEntry> unsorted = List.of(file("b", 1, 1, 0644), file("a", 1, 1, 0644));

        assertThatThrownBy(() -> new Reconciliation(unsorted, List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary")
                .hasMessageContaining("'a' after 'b'");
        assertThatThrownBy(() -> new Reconciliation(List.of(), unsorted, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backup");
    }

    @Test
    void constructor_duplicateOrRoot_throws() {
        FileEntry f = file("a", 1, 1, 0644);

        assertThatThrownBy(() -> new Reconciliation(List.of(f, f), List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not sorted");
        assertThatThrownBy(
                        () ->
                                new Reconciliation(
                                        List.of(FileEntry.directory(MirrorPath.ROOT, 1, 0755)),
                                        List.of(),
                                        0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("root");
    }

    // ---------------------------------------------------------------- random trees

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void plan_randomTrees_appliedMakesBackupEqualPrimary(long seed) {
        Random random = new Random(seed);
        TreeModel primary = new TreeModel();
        TreeModel backup;
        switch ((int) (seed % 10)) {
            case 0 -> {
                fill(primary, MirrorPath.ROOT, random, 0, PRIMARY_TIMES);
                backup = new TreeModel();
            }
            case 1 -> {
                backup = new TreeModel();
                fill(backup, MirrorPath.ROOT, random, 0, BACKUP_TIMES);
            }
            default -> {
                fill(primary, MirrorPath.ROOT, random, 0, PRIMARY_TIMES);
                backup = primary.copy();
                int mutations = random.nextInt(10);
                for (int i = 0; i < mutations; i++) {
                    mutate(backup, primary, random);
                }
            }
        }
        TreeModel before = backup.copy();

        Reconciliation r = new Reconciliation(primary.listing(), backup.listing(), AMBIGUOUS_AFTER);
        Set<MirrorPath> sameContent = new HashSet<>();
        for (MirrorPath p : r.toConfirm()) {
            Node mine = primary.get(p);
            Node theirs = backup.get(p);
            assertThat(mine.type()).isEqualTo(EntryType.FILE);
            assertThat(theirs.type()).isEqualTo(EntryType.FILE);
            assertThat(mine.size()).as("confirmed only when sizes match").isEqualTo(theirs.size());
            if (mine.content() == theirs.content()) {
                sameContent.add(p);
            }
        }
        MirrorPlan plan = r.plan(sameContent);
        for (MirrorOp op : plan.ops()) {
            backup.apply(op, primary);
        }

        assertThat(backup.mirrored())
                .as("applied %s to\n%s", plan.ops(), before)
                .isEqualTo(primary.mirrored());
        assertNeeded(plan, before, primary);
        assertOrdered(plan);
        Reconciliation again =
                new Reconciliation(primary.listing(), backup.listing(), AMBIGUOUS_AFTER);
        assertThat(again.plan(new HashSet<>(again.toConfirm())).ops())
                .as("a second pass")
                .isEmpty();
    }

    /** No step redoes what already matches: unchanged files are never transferred, and so on. */
    private static void assertNeeded(MirrorPlan plan, TreeModel before, TreeModel primary) {
        Set<MirrorPath> deleted = new HashSet<>();
        for (MirrorOp op : plan.ops()) {
            Node old = before.get(op.path());
            Node wanted = primary.get(op.path());
            if (op instanceof Delete) {
                assertThat(old).as("%s deletes something", op).isNotNull();
                assertThat(deleted.stream().noneMatch(d -> op.path().startsWith(d)))
                        .as("%s is the top of a removed subtree", op)
                        .isTrue();
                deleted.add(op.path());
            } else if (op instanceof Transfer) {
                assertThat(
                                old != null
                                        && old.type() == EntryType.FILE
                                        && old.content() == wanted.content())
                        .as("%s transfers an unchanged file", op)
                        .isFalse();
            } else if (op instanceof Link) {
                assertThat(
                                old != null
                                        && old.type() == EntryType.SYMLINK
                                        && old.target().equals(wanted.target()))
                        .as("%s relinks an unchanged link", op)
                        .isFalse();
            } else if (op instanceof SetAttributes && wanted.type() == EntryType.FILE) {
                assertThat(old.mtime() == wanted.mtime() && old.mode() == wanted.mode())
                        .as("%s sets attributes that match", op)
                        .isFalse();
            }
        }
    }

    private static void assertOrdered(MirrorPlan plan) {
        int previousRank = -1;
        MirrorOp previous = null;
        for (MirrorOp op : plan.ops()) {
            int rank = rank(op);
            assertThat(rank).as("%s after %s", op, previous).isGreaterThanOrEqualTo(previousRank);
            if (rank == previousRank && rank == 5) {
                assertThat(op.path().depth())
                        .as("%s after %s", op, previous)
                        .isLessThanOrEqualTo(previous.path().depth());
            } else if (rank == previousRank) {
                assertThat(op.path())
                        .as("%s after %s", op, previous)
                        .isGreaterThan(previous.path());
            }
            previousRank = rank;
            previous = op;
        }
    }

    private static int rank(MirrorOp op) {
        if (op instanceof Delete) {
            return 0;
        } else if (op instanceof MakeDirectory) {
            return 1;
        } else if (op instanceof Link) {
            return 2;
        } else if (op instanceof Transfer) {
            return 3;
        } else {
            return ((SetAttributes) op).entry().type() == EntryType.FILE ? 4 : 5;
        }
    }

    // ---------------------------------------------------------------- generators

    private static void fill(
            TreeModel tree, MirrorPath dir, Random random, int depth, long[] times) {
        int n = random.nextInt(depth == 0 ? 8 : 5);
        for (int i = 0; i < n; i++) {
            MirrorPath p = child(dir, NAMES[random.nextInt(NAMES.length)]);
            if (tree.get(p) != null) {
                continue;
            }
            Node node = randomNode(random, depth, times, null);
            tree.put(p, node);
            if (node.type() == EntryType.DIRECTORY) {
                fill(tree, p, random, depth + 1, times);
            }
        }
    }

    /** A node of any type but {@code not}; directories only above depth 3. */
    private static Node randomNode(Random random, int depth, long[] times, EntryType not) {
        while (true) {
            int roll = random.nextInt(10);
            EntryType type =
                    roll < 6
                            ? EntryType.FILE
                            : roll < 8 && depth < 3 ? EntryType.DIRECTORY : EntryType.SYMLINK;
            if (type == not) {
                continue;
            }
            long time = times[random.nextInt(times.length)];
            int mode = MODES[random.nextInt(MODES.length)];
            return switch (type) {
                case FILE -> Node.file(1 + random.nextInt(12), time, mode);
                case DIRECTORY -> Node.directory(time, mode);
                case SYMLINK -> Node.link(TARGETS[random.nextInt(TARGETS.length)], time);
            };
        }
    }

    /**
     * One difference on the backup. Never a different content behind the same size and time unless
     * the primary's time is at the ambiguity threshold: that is the case listings cannot see.
     */
    private static void mutate(TreeModel backup, TreeModel primary, Random random) {
        List<MirrorPath> paths = new ArrayList<>(backup.nodes().keySet());
        int kind = random.nextInt(5);
        if (paths.isEmpty() || kind == 0) {
            List<MirrorPath> dirs = new ArrayList<>(List.of(MirrorPath.ROOT));
            backup.nodes()
                    .forEach(
                            (p, n) -> {
                                if (n.type() == EntryType.DIRECTORY) {
                                    dirs.add(p);
                                }
                            });
            MirrorPath dir = dirs.get(random.nextInt(dirs.size()));
            MirrorPath p = child(dir, NAMES[random.nextInt(NAMES.length)]);
            if (backup.get(p) == null) {
                Node node = randomNode(random, dir.depth(), BACKUP_TIMES, null);
                backup.put(p, node);
                if (node.type() == EntryType.DIRECTORY) {
                    fill(backup, p, random, dir.depth() + 1, BACKUP_TIMES);
                }
            }
            return;
        }
        MirrorPath p = paths.get(random.nextInt(paths.size()));
        Node old = backup.get(p);
        long otherTime = BACKUP_TIMES[random.nextInt(BACKUP_TIMES.length)];
        int otherMode = old.mode() == 0644 ? 0600 : 0644;
        switch (kind) {
            case 1 -> backup.removeSubtree(p);
            case 2 -> {
                backup.removeSubtree(p);
                Node node = randomNode(random, p.depth() - 1, BACKUP_TIMES, old.type());
                backup.put(p, node);
                if (node.type() == EntryType.DIRECTORY) {
                    fill(backup, p, random, p.depth(), BACKUP_TIMES);
                }
            }
            default -> {
                switch (old.type()) {
                    case DIRECTORY ->
                            backup.put(
                                    p,
                                    random.nextBoolean()
                                            ? Node.directory(otherTime, old.mode())
                                            : Node.directory(old.mtime(), otherMode));
                    case SYMLINK -> backup.put(p, Node.link(old.target() + "x", old.mtime()));
                    case FILE ->
                            backup.put(
                                    p,
                                    changedFile(old, primary.get(p), random, otherTime, otherMode));
                }
            }
        }
    }

    private static Node changedFile(
            Node old, Node primary, Random random, long otherTime, int otherMode) {
        long sameSizeContent = old.content() + 4 * (1 + random.nextInt(3));
        switch (random.nextInt(5)) {
            case 0:
                return Node.file(1 + random.nextInt(12), otherTime, old.mode());
            case 1:
                return Node.file(sameSizeContent, otherTime, old.mode());
            case 2:
                return Node.file(old.content(), otherTime, old.mode());
            case 3:
                return Node.file(old.content(), old.mtime(), otherMode);
            default:
                if (primary != null
                        && primary.type() == EntryType.FILE
                        && primary.mtime() >= AMBIGUOUS_AFTER) {
                    // rewritten within the same timestamp: only a hash tells
                    return Node.file(sameSizeContent, old.mtime(), old.mode());
                }
                return Node.file(old.content(), otherTime, otherMode);
        }
    }

    private static MirrorPath child(MirrorPath dir, String name) {
        try {
            return dir.child(name);
        } catch (MirrorException e) {
            throw new AssertionError(e);
        }
    }
}
