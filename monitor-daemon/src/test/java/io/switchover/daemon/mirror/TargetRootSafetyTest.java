package io.switchover.daemon.mirror;

import static io.switchover.daemon.mirror.MirrorTestFiles.mkdirs;
import static io.switchover.daemon.mirror.MirrorTestFiles.path;
import static io.switchover.daemon.mirror.MirrorTestFiles.symlink;
import static io.switchover.daemon.mirror.MirrorTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorOp;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile or confused primary must not make the backup write, delete or change anything outside
 * the mirrored directory, whatever links it finds there.
 */
class TargetRootSafetyTest {
    private static final long MTIME = 1_600_000_000_000_000_000L;

    @TempDir Path temp;

    private Path outside;
    private Path root;
    private TargetRoot target;

    @BeforeEach
    void open() throws Exception {
        outside = mkdirs(temp, "outside");
        write(outside, "victim", "precious");
        write(outside, "dir/victim", "precious too");
        Files.setAttribute(outside.resolve("victim"), "unix:mode", 0600);
        target = new TargetRoot(temp.resolve("mirror"));
        root = target.root();
        // Left by a local user, or by an earlier mirrored link: both lead out of the root.
        symlink(root, "escape", outside.toString());
        symlink(root, "a/escape", "../../outside");
    }

    private void assertOutsideUntouched() throws Exception {
        try (Stream<Path> all = Files.walk(outside)) {
            assertThat(all.map(p -> outside.relativize(p).toString()))
                    .containsExactlyInAnyOrder("", "victim", "dir", "dir/victim");
        }
        assertThat(outside.resolve("victim")).hasContent("precious");
        assertThat(outside.resolve("dir/victim")).hasContent("precious too");
        assertThat((Integer) Files.getAttribute(outside.resolve("victim"), "unix:mode") & 07777)
                .isEqualTo(0600);
    }

    private static void assertUnsafe(ThrowingCallable step, String naming) {
        assertThatThrownBy(step)
                .isInstanceOfSatisfying(
                        MirrorException.class,
                        e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.UNSAFE))
                .hasMessageContaining(naming);
    }

    @Test
    void everyStep_throughALinkedComponent_isRefused() throws Exception {
        for (String via : List.of("escape", "a/escape")) {
            String quoted = "'" + via + "'";
            assertUnsafe(
                    () -> target.receive(FileEntry.file(path(via + "/victim"), 3, MTIME, 0777)),
                    quoted);
            assertUnsafe(
                    () -> target.receive(FileEntry.file(path(via + "/new/file"), 3, MTIME, 0644)),
                    quoted);
            assertUnsafe(
                    () ->
                            target.apply(
                                    new MirrorOp.MakeDirectory(
                                            FileEntry.directory(path(via + "/d"), MTIME, 0777))),
                    quoted);
            assertUnsafe(() -> target.apply(new MirrorOp.Delete(path(via + "/victim"))), quoted);
            assertUnsafe(() -> target.apply(new MirrorOp.Delete(path(via + "/dir"))), quoted);
            assertUnsafe(
                    () ->
                            target.apply(
                                    new MirrorOp.Link(
                                            FileEntry.symlink(path(via + "/l"), "x", MTIME))),
                    quoted);
            assertUnsafe(
                    () ->
                            target.apply(
                                    new MirrorOp.SetAttributes(
                                            FileEntry.file(path(via + "/victim"), 8, MTIME, 0777))),
                    quoted);
        }

        assertOutsideUntouched();
        assertThat(target.removePartials()).isZero();
    }

    @Test
    void delete_theLinkItself_removesOnlyTheLink() throws Exception {
        target.apply(new MirrorOp.Delete(path("escape")));
        target.apply(new MirrorOp.Delete(path("a")));

        assertThat(root.resolve("escape")).doesNotExist();
        assertThat(root.resolve("a")).doesNotExist();
        assertOutsideUntouched();
    }

    @Test
    void receiveAndMakeDirectory_overTheLinkItself_replaceOnlyTheLink() throws Exception {
        try (TargetRoot.IncomingFile incoming =
                target.receive(FileEntry.file(path("escape"), 3, MTIME, 0644))) {
            incoming.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            incoming.commit();
        }
        target.apply(
                new MirrorOp.MakeDirectory(FileEntry.directory(path("a/escape"), MTIME, 0777)));

        assertThat(Files.isSymbolicLink(root.resolve("escape"))).isFalse();
        assertThat(root.resolve("a/escape")).isDirectory();
        assertOutsideUntouched();
    }

    @Test
    void setAttributes_onALinkToOutside_changesNothing() throws Exception {
        target.apply(new MirrorOp.SetAttributes(FileEntry.file(path("escape"), 0, MTIME, 0777)));

        assertOutsideUntouched();
    }

    @Test
    void link_targetLeavingTheRoot_isRefused() {
        String[][] cases = {
            {"a/l", "../../x"},
            {"l", "../x"},
            {"l", "/etc"},
            {"a/l", "/"},
            {"l", "a/../../x"},
            {"a/b/l", "c/../../../../x"},
            {"l", "./.././x"},
        };
        for (String[] c : cases) {
            assertUnsafe(
                    () ->
                            target.apply(
                                    new MirrorOp.Link(FileEntry.symlink(path(c[0]), c[1], MTIME))),
                    "'" + c[0] + "'");
            assertThat(root.resolve(c[0])).doesNotExist();
        }
    }

    @Test
    void link_targetStayingInside_isMadeAsGiven() throws Exception {
        String[][] cases = {
            {"l1", "a/../b"},
            {"a/l2", "../x"},
            {"a/b/l3", "../../x/./y"},
            {"a/l4", ".."},
            {"l5", "."},
            {"l6", "escape/victim"},
        };
        for (String[] c : cases) {
            target.apply(new MirrorOp.Link(FileEntry.symlink(path(c[0]), c[1], MTIME)));
            assertThat(Files.readSymbolicLink(root.resolve(c[0]))).hasToString(c[1]);
        }
    }

    @Test
    void link_emptyTarget_isInvalid() {
        assertThatThrownBy(
                        () ->
                                target.apply(
                                        new MirrorOp.Link(FileEntry.symlink(path("l"), "", MTIME))))
                .isInstanceOfSatisfying(
                        MirrorException.class,
                        e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.INVALID));
    }

    @Test
    void root_aLinkTheOperatorMade_isFollowedOnce() throws Exception {
        Path real = mkdirs(temp, "real");
        Path configured = symlink(temp, "configured", real.toString());

        TargetRoot linked = new TargetRoot(configured);
        linked.apply(new MirrorOp.MakeDirectory(FileEntry.directory(path("d"), MTIME, 0755)));

        assertThat(linked.root()).isEqualTo(real.toRealPath());
        assertThat(real.resolve("d")).isDirectory();
        assertThat(Files.isSymbolicLink(configured)).isTrue();
    }

    @Test
    void removePartials_doesNotFollowLinksOut() throws Exception {
        write(outside, DirectorySpec.PARTIAL_PREFIX + "abc", "not ours");

        assertThat(target.removePartials()).isZero();
        assertThat(outside.resolve(DirectorySpec.PARTIAL_PREFIX + "abc")).exists();
        assertThat(Files.exists(root.resolve("escape"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
