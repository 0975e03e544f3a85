package io.switchover.daemon.mirror;

import static io.switchover.daemon.mirror.MirrorTestFiles.mkdirs;
import static io.switchover.daemon.mirror.MirrorTestFiles.path;
import static io.switchover.daemon.mirror.MirrorTestFiles.socket;
import static io.switchover.daemon.mirror.MirrorTestFiles.symlink;
import static io.switchover.daemon.mirror.MirrorTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.EntryType;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.Glob;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTreeTest {
    @TempDir Path temp;

    private Path root;

    private final List<String> skipped = new ArrayList<>();

    @BeforeEach
    void createRoot() {
        root = mkdirs(temp, "root");
    }

    private LocalTree.Page list(MirrorPath under, boolean recursive, MirrorPath after, int limit)
            throws MirrorException {
        return LocalTree.list(root, under, recursive, List.of(), after, limit, skipped::add);
    }

    private List<FileEntry> listAll() throws MirrorException {
        LocalTree.Page page = list(MirrorPath.ROOT, true, MirrorPath.ROOT, 10_000);
        assertThat(page.more()).isFalse();
        return page.entries();
    }

    private static List<String> paths(List<FileEntry> entries) {
        return entries.stream().map(e -> e.path().toString()).toList();
    }

    @Test
    void list_nestedTree_isDepthFirstInMirrorPathOrder() throws Exception {
        write(root, "b", "");
        write(root, "a/z", "");
        write(root, "a/b/c", "");
        write(root, "a.txt", "");
        write(root, "a-b", "");
        mkdirs(root, "a/empty");

        List<FileEntry> entries = listAll();

        // '-' and '.' sort before '/', so a plain sort of whole path strings would differ.
        assertThat(paths(entries))
                .containsExactly("a", "a/b", "a/b/c", "a/empty", "a/z", "a-b", "a.txt", "b");
        assertThat(entries).isSortedAccordingTo((x, y) -> x.path().compareTo(y.path()));
    }

    @Test
    void list_entries_carryTypeSizeTimeModeAndLinkTarget() throws Exception {
        Path file = write(root, "d/run.sh", "#!/bin/sh\n");
        Files.setAttribute(file, "unix:mode", 04750);
        Files.setLastModifiedTime(file, MirrorTestFiles.nanos(1_700_000_000_123_456_789L));
        Files.setAttribute(root.resolve("d"), "unix:mode", 01775);
        symlink(root, "l", "d/run.sh");

        List<FileEntry> entries = listAll();

        assertThat(entries)
                .containsExactly(
                        FileEntry.directory(
                                path("d"),
                                MirrorFiles.nanos(Files.getLastModifiedTime(root.resolve("d"))),
                                01775),
                        FileEntry.file(path("d/run.sh"), 10, 1_700_000_000_123_456_789L, 04750),
                        FileEntry.symlink(
                                path("l"),
                                "d/run.sh",
                                MirrorFiles.nanos(
                                        Files.getLastModifiedTime(
                                                root.resolve("l"), LinkOption.NOFOLLOW_LINKS))));
    }

    @Test
    void list_linkToDirectory_isListedAsALinkAndNotEntered() throws Exception {
        write(root, "real/x", "");
        symlink(root, "alias", "real");
        Path outside = mkdirs(temp, "outside");
        write(outside, "secret", "");
        symlink(root, "out", outside.toString());

        assertThat(listAll())
                .extracting(e -> e.path().toString(), FileEntry::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("alias", EntryType.SYMLINK),
                        org.assertj.core.groups.Tuple.tuple("out", EntryType.SYMLINK),
                        org.assertj.core.groups.Tuple.tuple("real", EntryType.DIRECTORY),
                        org.assertj.core.groups.Tuple.tuple("real/x", EntryType.FILE));
    }

    @Test
    void list_notRecursive_listsOnlyTheRootsOwnFiles() throws Exception {
        write(root, "a/b", "");
        write(root, "c", "");

        assertThat(paths(list(MirrorPath.ROOT, false, MirrorPath.ROOT, 100).entries()))
                .containsExactly("c");
        assertThat(list(path("a"), false, MirrorPath.ROOT, 100).entries()).isEmpty();
    }

    @Test
    void list_partialFiles_areLeftOutSilently() throws Exception {
        write(root, "a/" + DirectorySpec.PARTIAL_PREFIX + "0123", "half");
        write(root, "a/kept", "");

        assertThat(paths(listAll())).containsExactly("a", "a/kept");
        assertThat(skipped).isEmpty();
    }

    @Test
    void list_invalidNamesAndSpecialFiles_areSkippedAndReported() throws Exception {
        write(root, "d/bad\u0001name", "");
        socket(root, "d/sock");
        write(root, "d/good", "");

        assertThat(paths(listAll())).containsExactly("d", "d/good");
        assertThat(skipped)
                .satisfiesExactlyInAnyOrder(
                        s -> assertThat(s).contains("d/bad\\u0001name").contains("control"),
                        s -> assertThat(s).contains("'d/sock'").contains("a socket"));
    }

    @Test
    void list_deeperThanAPathMayBe_isSkippedAndReported() throws Exception {
        String deep = "d/".repeat(MirrorPath.MAX_DEPTH) + "f";
        write(root, deep, "");

        List<FileEntry> entries = listAll();

        assertThat(entries).hasSize(MirrorPath.MAX_DEPTH);
        assertThat(skipped).singleElement().asString().contains("deeper than");
    }

    @Test
    void list_pages_concatenateToTheWholeListing() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 60; i++) {
            write(root, "d" + random.nextInt(4) + "/s" + random.nextInt(3) + "/f" + i, "");
        }
        List<FileEntry> whole = listAll();

        for (int limit : new int[] {1, 2, 7, whole.size() - 1, whole.size()}) {
            List<FileEntry> paged = new ArrayList<>();
            MirrorPath after = MirrorPath.ROOT;
            LocalTree.Page page;
            do {
                page = list(MirrorPath.ROOT, true, after, limit);
                assertThat(page.entries()).hasSizeLessThanOrEqualTo(limit);
                paged.addAll(page.entries());
                if (!page.entries().isEmpty()) {
                    after = page.entries().get(page.entries().size() - 1).path();
                }
            } while (page.more());
            assertThat(paged).as("limit %d", limit).isEqualTo(whole);
        }
    }

    @Test
    void list_exactlyFullPage_saysNoMore() throws Exception {
        write(root, "a", "");
        write(root, "b", "");

        LocalTree.Page page = list(MirrorPath.ROOT, true, MirrorPath.ROOT, 2);

        assertThat(page.entries()).hasSize(2);
        assertThat(page.more()).isFalse();
    }

    @Test
    void list_afterAPathThatIsGone_continuesWithTheNextOne() throws Exception {
        write(root, "a/k", "");
        write(root, "a/z/1", "");
        write(root, "b", "");

        assertThat(paths(list(MirrorPath.ROOT, true, path("a/m/deleted"), 100).entries()))
                .containsExactly("a/z", "a/z/1", "b");
    }

    @Test
    void list_afterPassesSubtreesByWithoutReportingTheirSkipsAgain() throws Exception {
        socket(root, "a/sock");
        write(root, "a/x", "");
        write(root, "b/y", "");

        LocalTree.Page first = list(MirrorPath.ROOT, true, MirrorPath.ROOT, 2);
        assertThat(paths(first.entries())).containsExactly("a", "a/x");
        assertThat(skipped).hasSize(1);

        LocalTree.Page second = list(MirrorPath.ROOT, true, path("a/x"), 2);
        assertThat(paths(second.entries())).containsExactly("b", "b/y");
        assertThat(second.more()).isFalse();
        assertThat(skipped).hasSize(1);
    }

    @Test
    void list_under_listsOnlyThatSubtree() throws Exception {
        write(root, "a/b/c", "");
        write(root, "a/d", "");
        write(root, "e", "");

        assertThat(paths(list(path("a"), true, MirrorPath.ROOT, 100).entries()))
                .containsExactly("a/b", "a/b/c", "a/d");
        assertThat(paths(list(path("a"), true, path("a/b/c"), 100).entries()))
                .containsExactly("a/d");
        assertThat(list(path("a"), true, path("e"), 100).entries()).isEmpty();
    }

    @Test
    void list_underMissingFileOrLink_isEmpty() throws Exception {
        write(root, "f", "");
        write(root, "real/x", "");
        symlink(root, "alias", "real");

        for (String under : List.of("missing", "f", "alias", "f/x")) {
            LocalTree.Page page = list(path(under), true, MirrorPath.ROOT, 100);
            assertThat(page.entries()).as(under).isEmpty();
            assertThat(page.more()).isFalse();
        }
    }

    @Test
    void list_missingRoot_failsNamingIt() {
        Path missing = root.resolve("gone");

        assertThatThrownBy(
                        () ->
                                LocalTree.list(
                                        missing,
                                        MirrorPath.ROOT,
                                        true,
                                        List.of(),
                                        MirrorPath.ROOT,
                                        10,
                                        skipped::add))
                .isInstanceOfSatisfying(
                        MirrorException.class,
                        e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.IO))
                .hasMessageContaining(missing.toString());
    }

    @Test
    void list_rootIsALinkTheOperatorMade_isFollowed() throws Exception {
        Path real = mkdirs(root, "real");
        write(real, "x", "");
        Path alias = symlink(root, "alias", real.toString());

        assertThat(
                        LocalTree.list(
                                        alias,
                                        MirrorPath.ROOT,
                                        true,
                                        List.of(),
                                        MirrorPath.ROOT,
                                        10,
                                        skipped::add)
                                .entries())
                .extracting(e -> e.path().toString())
                .containsExactly("x");
    }

    @Test
    void list_excludes_leaveOutMatchesAndWholeExcludedDirectories() throws Exception {
        write(root, "a/keep.txt", "");
        write(root, "a/drop.tmp", "");
        write(root, "cache/deep/x.txt", "");
        socket(root, "cache/sock");
        write(root, "z.tmp", "");

        LocalTree.Page page =
                LocalTree.list(
                        root,
                        MirrorPath.ROOT,
                        true,
                        List.of(Glob.compile("*.tmp"), Glob.compile("cache")),
                        MirrorPath.ROOT,
                        100,
                        skipped::add);

        assertThat(paths(page.entries())).containsExactly("a", "a/keep.txt");
        assertThat(skipped).isEmpty();
    }

    @Test
    void list_underAnExcludedDirectory_isEmpty() throws Exception {
        write(root, "cache/deep/x.txt", "");

        LocalTree.Page page =
                LocalTree.list(
                        root,
                        path("cache/deep"),
                        true,
                        List.of(Glob.compile("cache")),
                        MirrorPath.ROOT,
                        100,
                        skipped::add);

        assertThat(page.entries()).isEmpty();
    }

    @Test
    void stat_eachKindOfEntry_isDescribedAndAMissingOneIsEmpty() throws Exception {
        write(root, "d/f", "12345");
        symlink(root, "l", "d");

        assertThat(LocalTree.stat(root, path("d/f")))
                .hasValueSatisfying(
                        e -> {
                            assertThat(e.type()).isEqualTo(EntryType.FILE);
                            assertThat(e.size()).isEqualTo(5);
                        });
        assertThat(LocalTree.stat(root, path("d")).orElseThrow().type())
                .isEqualTo(EntryType.DIRECTORY);
        assertThat(LocalTree.stat(root, path("l")).orElseThrow().linkTarget()).isEqualTo("d");
        assertThat(LocalTree.stat(root, path("missing"))).isEmpty();
        // Not part of the tree: reached through a link.
        assertThat(LocalTree.stat(root, path("l/f"))).isEmpty();
    }

    @Test
    void hash_regularFile_isSha256OfItsContent() throws Exception {
        write(root, "abc", "abc");
        byte[] big = new byte[200_000];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big"), big);

        assertThat(HexFormat.of().formatHex(LocalTree.hash(root, path("abc"))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(LocalTree.hash(root, path("big")))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(big));
        assertThat(LocalTree.hash(root, path("abc")))
                .isEqualTo(
                        MessageDigest.getInstance("SHA-256")
                                .digest("abc".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void hash_notARegularFile_isEmpty() throws Exception {
        write(root, "d/f", "x");
        symlink(root, "l", "d/f");
        symlink(root, "dl", "d");
        socket(root, "sock");

        for (String p : List.of("missing", "d", "l", "dl/f", "sock")) {
            assertThat(LocalTree.hash(root, path(p))).as(p).isEmpty();
        }
    }
}
