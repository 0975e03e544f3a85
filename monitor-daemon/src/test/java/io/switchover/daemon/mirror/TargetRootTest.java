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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetRootTest {
    private static final long MTIME = 1_600_000_000_987_654_321L;

    @TempDir Path temp;

    private Path root;
    private TargetRoot target;

    @BeforeEach
    void open() throws Exception {
        root = temp.resolve("mirror");
        target = new TargetRoot(root);
        root = target.root();
    }

    private static FileEntry file(String p, int size, int mode) {
        return FileEntry.file(path(p), size, MTIME, mode);
    }

    private void receive(String p, String content, int mode) throws MirrorException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try (TargetRoot.IncomingFile incoming = target.receive(file(p, bytes.length, mode))) {
            incoming.write(ByteBuffer.wrap(bytes));
            incoming.commit();
        }
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static long mtime(Path p) throws Exception {
        return MirrorFiles.nanos(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Every partial file under {@code dir}, links included. */
    private static List<Path> partials(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(
                            p ->
                                    p.getFileName()
                                            .toString()
                                            .startsWith(DirectorySpec.PARTIAL_PREFIX))
                    .toList();
        }
    }

    private static MirrorException.Kind kind(Throwable e) {
        return ((MirrorException) e).kind();
    }

    @Test
    void constructor_missingRoot_isCreated() {
        assertThat(root).isDirectory();
    }

    @Test
    void receive_newFile_createsParentsAndGetsContentModeAndTime() throws Exception {
        receive("a/b/run.sh", "#!/bin/sh\n", 04755);

        Path file = root.resolve("a/b/run.sh");
        assertThat(file).hasContent("#!/bin/sh\n");
        assertThat(mode(file)).isEqualTo(04755);
        assertThat(mtime(file)).isEqualTo(MTIME);
        assertThat(partials(root)).isEmpty();
    }

    @Test
    void receive_manyWrites_appendInOrder() throws Exception {
        try (TargetRoot.IncomingFile incoming = target.receive(file("f", 6, 0644))) {
            incoming.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer direct = ByteBuffer.allocateDirect(3);
            direct.put("def".getBytes(StandardCharsets.UTF_8)).flip();
            incoming.write(direct);
            incoming.commit();
        }

        assertThat(root.resolve("f")).hasContent("abcdef");
    }

    @Test
    void receive_existingFile_isReplaced() throws Exception {
        write(root, "f", "old content that is longer");

        receive("f", "new", 0600);

        assertThat(root.resolve("f")).hasContent("new");
        assertThat(mode(root.resolve("f"))).isEqualTo(0600);
    }

    @Test
    void receive_beforeCommit_leavesTheTargetAlone() throws Exception {
        write(root, "f", "old");

        try (TargetRoot.IncomingFile incoming = target.receive(file("f", 3, 0644))) {
            incoming.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)));
            assertThat(root.resolve("f")).hasContent("old");
            assertThat(partials(root)).hasSize(1);
        }

        assertThat(root.resolve("f")).hasContent("old");
        assertThat(partials(root)).isEmpty();
    }

    @Test
    void commit_shorterThanTheEntry_failsAndLeavesTheTargetAlone() throws Exception {
        write(root, "f", "old");
        TargetRoot.IncomingFile incoming = target.receive(file("f", 10, 0644));
        incoming.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(incoming::commit)
                .satisfies(e -> assertThat(kind(e)).isEqualTo(MirrorException.Kind.INVALID))
                .hasMessageContaining("'f'")
                .hasMessageContaining("10");
        incoming.close();

        assertThat(root.resolve("f")).hasContent("old");
        assertThat(partials(root)).isEmpty();
    }

    @Test
    void write_moreThanTheEntry_failsAtOnce() throws Exception {
        write(root, "f", "old");
        TargetRoot.IncomingFile incoming = target.receive(file("f", 2, 0644));

        assertThatThrownBy(
                        () ->
                                incoming.write(
                                        ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8))))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(MirrorException.Kind.INVALID));

        assertThat(root.resolve("f")).hasContent("old");
        assertThat(partials(root)).isEmpty();
    }

    @Test
    void receive_overADirectory_replacesIt() throws Exception {
        write(root, "x/inner/file", "");

        receive("x", "now a file", 0644);

        assertThat(root.resolve("x")).isRegularFile().hasContent("now a file");
    }

    @Test
    void receive_overALink_replacesTheLinkNotItsTarget() throws Exception {
        write(root, "real", "real content");
        symlink(root, "l", "real");

        receive("l", "now a file", 0644);

        assertThat(Files.isSymbolicLink(root.resolve("l"))).isFalse();
        assertThat(root.resolve("l")).hasContent("now a file");
        assertThat(root.resolve("real")).hasContent("real content");
    }

    @Test
    void receive_whereAParentIsAFile_isInvalid() throws Exception {
        write(root, "a", "a file");

        assertThatThrownBy(() -> target.receive(file("a/b", 1, 0644)))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(MirrorException.Kind.INVALID))
                .hasMessageContaining("'a'");
        assertThat(root.resolve("a")).hasContent("a file");
    }

    @Test
    void receive_replacedWhileAReaderReads_isAlwaysSeenWhole() throws Exception {
        // Version v is v+1 copies of the byte v, so a reader can tell a whole version from a mix
        // or a truncated one.
        receive("f", "\0", 0644);
        Path file = root.resolve("f");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> broken = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader =
                new Thread(
                        () -> {
                            long deadline = System.nanoTime() + 10_000_000_000L;
                            while (writing.get() && System.nanoTime() < deadline) {
                                try {
                                    byte[] seen = Files.readAllBytes(file);
                                    reads.incrementAndGet();
                                    if (seen.length == 0) {
                                        broken.compareAndSet(null, "an empty file");
                                        continue;
                                    }
                                    int v = Byte.toUnsignedInt(seen[0]);
                                    for (byte b : seen) {
                                        if (b != seen[0]) {
                                            broken.compareAndSet(null, "mixed bytes");
                                        }
                                    }
                                    if (seen.length != size(v)) {
                                        broken.compareAndSet(
                                                null, "version " + v + " with " + seen.length);
                                    }
                                } catch (NoSuchFileException e) {
                                    broken.compareAndSet(null, "file missing");
                                } catch (Exception e) {
                                    broken.compareAndSet(null, e.toString());
                                }
                            }
                        });
        reader.start();
        try {
            for (int v = 1; v < 120; v++) {
                byte[] content = new byte[size(v)];
                java.util.Arrays.fill(content, (byte) v);
                try (TargetRoot.IncomingFile incoming = target.receive(file("f", size(v), 0644))) {
                    // In pieces, so a non-atomic replacement would be visible half written.
                    for (int at = 0; at < content.length; at += 4096) {
                        incoming.write(
                                ByteBuffer.wrap(content, at, Math.min(4096, content.length - at)));
                    }
                    incoming.commit();
                }
            }
        } finally {
            writing.set(false);
            reader.join(15_000);
        }

        assertThat(broken.get()).isNull();
        assertThat(reads.get()).isPositive();
        assertThat(partials(root)).isEmpty();
    }

    /** Sizes vary up and down between versions. */
    private static int size(int version) {
        return 1 + (version * 7919) % 60_000;
    }

    @Test
    void delete_fileLinkAndDirectoryTree_areRemovedWithoutFollowingLinks() throws Exception {
        Path outside = mkdirs(temp, "outside");
        write(outside, "precious", "keep me");
        write(root, "f", "");
        symlink(root, "l", outside.toString());
        write(root, "d/sub/x", "");
        symlink(root, "d/sub/out", outside.toString());
        symlink(root, "d/outfile", outside.resolve("precious").toString());

        target.apply(new MirrorOp.Delete(path("f")));
        target.apply(new MirrorOp.Delete(path("l")));
        target.apply(new MirrorOp.Delete(path("d")));

        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
        assertThat(outside.resolve("precious")).hasContent("keep me");
    }

    @Test
    void delete_missing_isFine() throws Exception {
        target.apply(new MirrorOp.Delete(path("missing")));
        target.apply(new MirrorOp.Delete(path("missing/deeper")));
    }

    @Test
    void delete_theRoot_isRefused() {
        assertThatThrownBy(() -> target.apply(new MirrorOp.Delete(path(""))))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(MirrorException.Kind.INVALID));
        assertThat(root).isDirectory();
    }

    @Test
    void makeDirectory_new_hasModeAndTime() throws Exception {
        target.apply(new MirrorOp.MakeDirectory(FileEntry.directory(path("a/d"), MTIME, 02750)));

        assertThat(root.resolve("a/d")).isDirectory();
        assertThat(mode(root.resolve("a/d"))).isEqualTo(02750);
        assertThat(mtime(root.resolve("a/d"))).isEqualTo(MTIME);
    }

    @Test
    void makeDirectory_existing_keepsItsContentAndGetsTheMode() throws Exception {
        write(root, "d/x", "content");

        target.apply(new MirrorOp.MakeDirectory(FileEntry.directory(path("d"), MTIME, 0700)));

        assertThat(root.resolve("d/x")).hasContent("content");
        assertThat(mode(root.resolve("d"))).isEqualTo(0700);
    }

    @Test
    void makeDirectory_overAFileOrLink_replacesIt() throws Exception {
        write(root, "f", "file");
        write(root, "real/x", "");
        symlink(root, "l", "real");

        target.apply(new MirrorOp.MakeDirectory(FileEntry.directory(path("f"), MTIME, 0755)));
        target.apply(new MirrorOp.MakeDirectory(FileEntry.directory(path("l"), MTIME, 0755)));

        assertThat(root.resolve("f")).isDirectory().isEmptyDirectory();
        assertThat(Files.isSymbolicLink(root.resolve("l"))).isFalse();
        assertThat(root.resolve("l")).isDirectory().isEmptyDirectory();
        assertThat(root.resolve("real/x")).exists();
    }

    @Test
    void link_newAndReplacingAFile_pointsAtTheTarget() throws Exception {
        write(root, "conf/app.yml", "");
        write(root, "current", "a file before");

        target.apply(new MirrorOp.Link(FileEntry.symlink(path("bin/app"), "../conf", MTIME)));
        target.apply(new MirrorOp.Link(FileEntry.symlink(path("current"), "conf", MTIME)));

        assertThat(Files.readSymbolicLink(root.resolve("bin/app"))).hasToString("../conf");
        assertThat(Files.readSymbolicLink(root.resolve("current"))).hasToString("conf");
        assertThat(partials(root)).isEmpty();
    }

    @Test
    void link_replacingALink_changesItsTarget() throws Exception {
        symlink(root, "l", "old");

        target.apply(new MirrorOp.Link(FileEntry.symlink(path("l"), "new", MTIME)));

        assertThat(Files.readSymbolicLink(root.resolve("l"))).hasToString("new");
    }

    @Test
    void link_overADirectory_replacesIt() throws Exception {
        write(root, "d/x", "");

        target.apply(new MirrorOp.Link(FileEntry.symlink(path("d"), "elsewhere", MTIME)));

        assertThat(Files.readSymbolicLink(root.resolve("d"))).hasToString("elsewhere");
    }

    @Test
    void setAttributes_file_setsModeAndTime() throws Exception {
        Path f = write(root, "f", "same");

        target.apply(new MirrorOp.SetAttributes(file("f", 4, 0604)));

        assertThat(mode(f)).isEqualTo(0604);
        assertThat(mtime(f)).isEqualTo(MTIME);
        assertThat(f).hasContent("same");
    }

    @Test
    void setAttributes_link_changesNothing() throws Exception {
        Path real = write(root, "real", "");
        Files.setAttribute(real, "unix:mode", 0640);
        symlink(root, "l", "real");

        target.apply(new MirrorOp.SetAttributes(FileEntry.symlink(path("l"), "real", MTIME)));
        target.apply(new MirrorOp.SetAttributes(file("l", 0, 0777)));

        assertThat(mode(real)).isEqualTo(0640);
    }

    @Test
    void setAttributes_missing_fails() {
        assertThatThrownBy(() -> target.apply(new MirrorOp.SetAttributes(file("gone", 0, 0644))))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(MirrorException.Kind.IO))
                .hasMessageContaining("'gone'");
    }

    @Test
    void apply_transfer_isInvalid() {
        assertThatThrownBy(() -> target.apply(new MirrorOp.Transfer(file("f", 1, 0644))))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(MirrorException.Kind.INVALID));
    }

    @Test
    void apply_typeChangesDirFileLinkFileDir_endAsThePrimarySays() throws Exception {
        write(root, "x/y", "");

        receive("x", "file", 0644);
        assertThat(root.resolve("x")).isRegularFile();
        target.apply(new MirrorOp.Link(FileEntry.symlink(path("x"), "y", MTIME)));
        assertThat(Files.isSymbolicLink(root.resolve("x"))).isTrue();
        receive("x", "file again", 0644);
        assertThat(Files.isSymbolicLink(root.resolve("x"))).isFalse();
        assertThat(root.resolve("x")).hasContent("file again");
        target.apply(new MirrorOp.MakeDirectory(FileEntry.directory(path("x"), MTIME, 0755)));
        assertThat(root.resolve("x")).isDirectory();
    }

    @Test
    void removePartials_removesLeftoversAnywhereAndNothingElse() throws Exception {
        write(root, DirectorySpec.PARTIAL_PREFIX + "1", "");
        write(root, "a/b/" + DirectorySpec.PARTIAL_PREFIX + "2", "");
        symlink(root, "a/" + DirectorySpec.PARTIAL_PREFIX + "3", "b");
        write(root, "a/b/kept", "");

        assertThat(target.removePartials()).isEqualTo(3);

        assertThat(partials(root)).isEmpty();
        assertThat(root.resolve("a/b/kept")).exists();
    }

    @Test
    void keepAside_replacedFile_keepsTheOldContent() throws Exception {
        Path aside = temp.resolve("data/kept");
        Path f = write(root, "conf/app.yml", "mine");
        long inode = (Long) Files.getAttribute(f, "unix:ino");
        target.keepAsideInto(Optional.of(aside));

        receive("conf/app.yml", "theirs", 0644);

        assertThat(root.resolve("conf/app.yml")).hasContent("theirs");
        Path kept = aside.resolve("conf/app.yml");
        assertThat(kept).hasContent("mine");
        assertThat((Long) Files.getAttribute(kept, "unix:ino")).as("a hard link").isEqualTo(inode);
    }

    @Test
    void keepAside_deletedTree_keepsItsFilesAndLinks() throws Exception {
        Path aside = temp.resolve("data/kept");
        write(root, "d/a", "a");
        write(root, "d/sub/b", "b");
        symlink(root, "d/sub/l", "b");
        write(root, "f", "f");
        target.keepAsideInto(Optional.of(aside));

        target.apply(new MirrorOp.Delete(path("d")));
        target.apply(new MirrorOp.Delete(path("f")));
        target.apply(new MirrorOp.MakeDirectory(FileEntry.directory(path("g"), MTIME, 0755)));

        assertThat(aside.resolve("d/a")).hasContent("a");
        assertThat(aside.resolve("d/sub/b")).hasContent("b");
        assertThat(Files.readSymbolicLink(aside.resolve("d/sub/l"))).hasToString("b");
        assertThat(aside.resolve("f")).hasContent("f");
        assertThat(root.resolve("d")).doesNotExist();
    }

    @Test
    void keepAside_replacedLink_isKeptAsALink() throws Exception {
        Path aside = temp.resolve("data/kept");
        symlink(root, "l", "somewhere");
        target.keepAsideInto(Optional.of(aside));

        target.apply(new MirrorOp.Link(FileEntry.symlink(path("l"), "elsewhere", MTIME)));

        assertThat(Files.readSymbolicLink(aside.resolve("l"))).hasToString("somewhere");
    }

    @Test
    void keepAside_secondReplacement_keepsTheFirstVersion() throws Exception {
        Path aside = temp.resolve("data/kept");
        write(root, "f", "mine");
        target.keepAsideInto(Optional.of(aside));

        receive("f", "theirs 1", 0644);
        receive("f", "theirs 2", 0644);

        assertThat(aside.resolve("f")).hasContent("mine");
    }

    @Test
    void keepAside_off_keepsNothing() throws Exception {
        Path aside = temp.resolve("data/kept");
        write(root, "f", "mine");
        target.keepAsideInto(Optional.of(aside));
        target.keepAsideInto(Optional.empty());

        receive("f", "theirs", 0644);

        assertThat(aside).doesNotExist();
    }

    @Test
    void keepAsideInto_insideTheRoot_isRefused() {
        assertThatThrownBy(() -> target.keepAsideInto(Optional.of(root.resolve("kept"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void makeDirectory_whereAParentIsAFile_isInvalidNamingIt() {
        write(root, "a", "file");

        assertThatThrownBy(
                        () ->
                                target.apply(
                                        new MirrorOp.MakeDirectory(
                                                FileEntry.directory(path("a/b"), MTIME, 0755))))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(MirrorException.Kind.INVALID))
                .hasMessageContaining("'a' is not a directory");
        assertThat(root.resolve("a")).hasContent("file");
    }
}
