package io.switchover.daemon.mirror;

import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.EntryType;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorOp;
import io.switchover.core.mirror.MirrorPath;
import io.switchover.daemon.store.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirrored directory on the backup, where the primary's steps and files land. Everything it
 * writes stays under the root: paths arrive validated as {@link
 * io.switchover.core.mirror.MirrorPath}s, and no step follows a symbolic link on the way (a link
 * met as a path component is refused as UNSAFE; a link's own target must stay inside the root).
 * Files are replaced atomically: content goes to a partial file in the same directory, is synced,
 * gets its mode and time, and is renamed over the target, so a reader sees the old file or the new
 * one, never part of one.
 *
 * <p>When keeping aside is on (this node wrote as primary and is about to be overwritten), every
 * file or link that a step would replace or delete is first preserved under the keep-aside
 * directory at the same relative path (a hard link where possible, else a copy).
 *
 * <p>Not thread-safe per path: the caller applies one step to a path at a time.
 *
 * <p>Durability: a committed file, a created link and a created directory are synced with their
 * directory before the step returns. Deletes and attribute changes are not synced: lost in a crash,
 * they are redone by the next comparison.
 *
 * <p>Link targets are checked lexically: after dropping {@code .}, each {@code ..} must leave the
 * walk from the link's directory inside the root ({@code a/../b} is fine, {@code a/../../x} from
 * the root is not). The daemon itself never follows a link, whatever its target. The lexical check
 * protects programs that do follow links only as far as each component of a target is a real
 * directory: a {@code ..} after a component that is itself a link to a shallower directory (say
 * {@code d -> .}, then {@code d/d/../../x}) climbs further than it reads.
 */
public final class TargetRoot {
    private static final Logger log = LoggerFactory.getLogger(TargetRoot.class);

    /** Partial files are the daemon's until renamed: nobody else reads half a file. */
    private static final FileAttribute<Set<PosixFilePermission>> PARTIAL_PERMISSIONS =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path root;
    private volatile Optional<Path> keepAside = Optional.empty();

    /**
     * @param root the directory's path on this node; created (with parents) if missing. It may be a
     *     symbolic link the operator set up: it is resolved once, here.
     */
    public TargetRoot(Path root) throws MirrorException {
        try {
            Files.createDirectories(root);
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw MirrorFiles.failure("creating the mirrored directory", root, e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * From now on, preserve what steps replace or delete under {@code dir}; empty turns it off.
     *
     * @param dir outside the root (under the daemon's data directory); created when first needed. A
     *     path already kept there is not overwritten: the first version kept is the one this node
     *     had.
     */
    public void keepAsideInto(Optional<Path> dir) {
        dir.ifPresent(
                d -> {
                    Path absolute = d.toAbsolutePath().normalize();
                    if (absolute.startsWith(root) || root.startsWith(absolute)) {
                        throw new IllegalArgumentException(
                                "keep-aside directory " + d + " overlaps the mirrored " + root);
                    }
                });
        keepAside = dir.map(d -> d.toAbsolutePath().normalize());
    }

    /**
     * Applies a step other than a transfer.
     *
     * @throws MirrorException UNSAFE if it would reach outside the root, NO_SPACE or IO if the disk
     *     refused (nothing good is lost), INVALID for a transfer
     */
    public void apply(MirrorOp op) throws MirrorException {
        if (op instanceof MirrorOp.Transfer) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "'" + op.path() + "': a transfer arrives as a file stream, not as a step");
        }
        requireNotRoot(op.path());
        if (op instanceof MirrorOp.Delete d) {
            delete(d.path());
        } else if (op instanceof MirrorOp.MakeDirectory m) {
            makeDirectory(requireType(m.entry(), EntryType.DIRECTORY));
        } else if (op instanceof MirrorOp.Link l) {
            link(requireType(l.entry(), EntryType.SYMLINK));
        } else if (op instanceof MirrorOp.SetAttributes s) {
            setAttributes(s.entry());
        }
    }

    /**
     * Starts receiving a file's new content; the target is untouched until {@link
     * IncomingFile#commit()}. Missing parent directories are created.
     */
    public IncomingFile receive(FileEntry entry) throws MirrorException {
        requireNotRoot(entry.path());
        requireType(entry, EntryType.FILE);
        Path target = file(entry.path());
        parents(entry.path(), true);
        Path partial = target.resolveSibling(partialName());
        try {
            FileChannel channel =
                    FileChannel.open(
                            partial,
                            Set.of(
                                    StandardOpenOption.CREATE_NEW,
                                    StandardOpenOption.WRITE,
                                    LinkOption.NOFOLLOW_LINKS),
                            PARTIAL_PERMISSIONS);
            return new Incoming(entry, target, partial, channel);
        } catch (IOException e) {
            throw MirrorFiles.failure("creating a partial file for", target, e);
        }
    }

    /** Removes partial files left under the root by an earlier run that stopped mid-transfer. */
    public int removePartials() throws MirrorException {
        int[] removed = {0};
        try {
            Files.walkFileTree(
                    root,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            if (!attrs.isDirectory()
                                    && file.getFileName()
                                            .toString()
                                            .startsWith(DirectorySpec.PARTIAL_PREFIX)) {
                                Files.deleteIfExists(file);
                                removed[0]++;
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e)
                                throws IOException {
                            if (e instanceof NoSuchFileException) {
                                return FileVisitResult.CONTINUE;
                            }
                            throw e;
                        }
                    });
        } catch (IOException e) {
            throw MirrorFiles.failure("removing partial files under", root, e);
        }
        return removed[0];
    }

    /** A file being received. */
    public interface IncomingFile extends AutoCloseable {
        /** Appends content. */
        void write(ByteBuffer data) throws MirrorException;

        /**
         * All content arrived: syncs it, sets mode and time, renames it over the target, syncs the
         * directory.
         *
         * @throws MirrorException if the content's length is not the entry's size, or the disk
         *     refused; the partial file is removed and the target untouched
         */
        default void commit() throws MirrorException {
            commit(true);
        }

        /**
         * As {@link #commit()}, but syncs the directory only when {@code syncDirectory}: a caller
         * that commits many files syncs each directory once afterwards ({@link
         * TargetRoot#syncDirectories}). The content is synced before the rename either way, so the
         * target is never replaced by content that is not durable.
         */
        void commit(boolean syncDirectory) throws MirrorException;

        /** The file's path under the root. */
        MirrorPath path();

        /** Abandons the file: the partial file is removed, the target untouched. Idempotent. */
        @Override
        void close();
    }

    private final class Incoming implements IncomingFile {
        private final FileEntry entry;
        private final Path target;
        private final Path partial;
        private final FileChannel channel;
        private long written;
        private boolean finished;

        Incoming(FileEntry entry, Path target, Path partial, FileChannel channel) {
            this.entry = entry;
            this.target = target;
            this.partial = partial;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer data) throws MirrorException {
            requireOpen();
            if (written + data.remaining() > entry.size()) {
                close();
                throw lengthMismatch(written + data.remaining() + " bytes or more");
            }
            try {
                while (data.hasRemaining()) {
                    written += channel.write(data);
                }
            } catch (IOException e) {
                close();
                throw MirrorFiles.failure("writing", target, e);
            }
        }

        @Override
        public MirrorPath path() {
            return entry.path();
        }

        @Override
        public void commit(boolean syncDirectory) throws MirrorException {
            requireOpen();
            if (written != entry.size()) {
                close();
                throw lengthMismatch(written + " bytes");
            }
            try {
                // Mode and time first, so that one sync makes content and attributes durable.
                MirrorFiles.setMode(partial, entry.mode());
                MirrorFiles.setMtime(partial, entry.mtimeNanos());
                channel.force(true);
                channel.close();
                MirrorFiles.Status existing = MirrorFiles.lstat(target);
                if (existing != null) {
                    clearForReplacement(entry.path(), target, existing);
                }
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                finished = true;
                if (syncDirectory) {
                    DurableFiles.syncDirectory(target.getParent());
                }
            } catch (IOException e) {
                close();
                throw MirrorFiles.failure("replacing", target, e);
            }
        }

        private MirrorException lengthMismatch(String got) {
            return new MirrorException(
                    MirrorException.Kind.INVALID,
                    "'"
                            + entry.path()
                            + "' arrived with "
                            + got
                            + " of content; its entry says "
                            + entry.size());
        }

        private void requireOpen() {
            if (finished) {
                throw new IllegalStateException("'" + entry.path() + "' is already finished");
            }
        }

        @Override
        public void close() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing the partial file {}", partial, e);
            }
            discard(partial);
        }
    }

    private void delete(MirrorPath path) throws MirrorException {
        Path file = file(path);
        if (!parents(path, false)) {
            return;
        }
        try {
            MirrorFiles.Status status = MirrorFiles.lstat(file);
            if (status == null) {
                return;
            }
            if (status.isDirectory()) {
                deleteTree(file);
            } else {
                keepAside(path, file, status);
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw MirrorFiles.failure("deleting", file, e);
        }
    }

    private void makeDirectory(FileEntry entry) throws MirrorException {
        Path dir = file(entry.path());
        parents(entry.path(), true);
        try {
            MirrorFiles.Status existing = MirrorFiles.lstat(dir);
            if (existing == null || !existing.isDirectory()) {
                if (existing != null) {
                    clearForReplacement(entry.path(), dir, existing);
                    Files.deleteIfExists(dir);
                }
                Files.createDirectory(dir);
                DurableFiles.syncDirectory(dir.getParent());
            }
            MirrorFiles.setMode(dir, entry.mode());
            MirrorFiles.setMtime(dir, entry.mtimeNanos());
        } catch (IOException e) {
            throw MirrorFiles.failure("creating the directory", dir, e);
        }
    }

    private void link(FileEntry entry) throws MirrorException {
        checkLinkTarget(entry.path(), entry.linkTarget());
        Path link = file(entry.path());
        parents(entry.path(), true);
        Path partial = link.resolveSibling(partialName());
        try {
            // Made under a partial name and renamed over the old entry: never missing in between.
            // The JDK normalizes the target ("a//b/" becomes "a/b"): such a link resolves the same
            // way but reads back differently.
            Files.createSymbolicLink(partial, Path.of(entry.linkTarget()));
            MirrorFiles.setMtime(partial, entry.mtimeNanos());
            MirrorFiles.Status existing = MirrorFiles.lstat(link);
            if (existing != null) {
                clearForReplacement(entry.path(), link, existing);
            }
            Files.move(partial, link, StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(link.getParent());
        } catch (IOException e) {
            discard(partial);
            throw MirrorFiles.failure("creating the link", link, e);
        }
    }

    private void setAttributes(FileEntry entry) throws MirrorException {
        Path file = file(entry.path());
        try {
            MirrorFiles.Status status =
                    parents(entry.path(), false) ? MirrorFiles.lstat(file) : null;
            if (status == null) {
                throw new MirrorException(
                        MirrorException.Kind.IO,
                        "'"
                                + entry.path()
                                + "' is missing on the backup; its attributes cannot be set");
            }
            if (status.isSymbolicLink() || entry.type() == EntryType.SYMLINK) {
                return; // a link's mode means nothing, and its time follows its creation
            }
            MirrorFiles.setMode(file, entry.mode());
            MirrorFiles.setMtime(file, entry.mtimeNanos());
        } catch (IOException e) {
            throw MirrorFiles.failure("setting the attributes of", file, e);
        }
    }

    /**
     * Prepares {@code file} (found as {@code existing}) to be replaced by a rename: keeps it aside,
     * and removes it if it is a directory (a rename cannot replace one with a file or link).
     */
    private void clearForReplacement(MirrorPath path, Path file, MirrorFiles.Status existing)
            throws IOException {
        if (existing.isDirectory()) {
            deleteTree(file);
        } else {
            keepAside(path, file, existing);
        }
    }

    /** Deletes a directory and everything under it, keeping files and links aside when on. */
    private void deleteTree(Path dir) throws IOException {
        Optional<Path> into = keepAside;
        // Without FOLLOW_LINKS: a link is visited (and deleted) as a file, never entered.
        Files.walkFileTree(
                dir,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        if (into.isPresent() && (attrs.isRegularFile() || attrs.isSymbolicLink())) {
                            keepOne(into.get(), root.relativize(file), file);
                        }
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e)
                            throws IOException {
                        if (e != null) {
                            throw e;
                        }
                        Files.deleteIfExists(d);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE; // gone meanwhile
                        }
                        throw e;
                    }
                });
    }

    /** Preserves a file or link before a step replaces or deletes it, if keeping aside is on. */
    private void keepAside(MirrorPath path, Path file, MirrorFiles.Status status)
            throws IOException {
        Optional<Path> into = keepAside;
        if (into.isPresent()
                && (status.type() == EntryType.FILE || status.type() == EntryType.SYMLINK)) {
            keepOne(into.get(), Path.of(path.toString()), file);
        }
    }

    /**
     * Keeps {@code file} at {@code relative} under {@code into}: a hard link (no copy, and the
     * rename that follows leaves it holding the old content), else a copy of the file or link.
     */
    private static void keepOne(Path into, Path relative, Path file) throws IOException {
        Path kept = into.resolve(relative);
        Files.createDirectories(kept.getParent());
        if (MirrorFiles.lstat(kept) != null) {
            return; // the first version kept is the one this node had
        }
        try {
            Files.createLink(kept, file);
        } catch (IOException | UnsupportedOperationException e) {
            // Another file system, most likely: copy, and make the copy as durable as a link.
            Files.copy(file, kept, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            if (!Files.isSymbolicLink(kept)) {
                try (FileChannel channel = FileChannel.open(kept, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
        DurableFiles.syncDirectory(kept.getParent());
    }

    /**
     * Walks the components above {@code path} from the root without following links.
     *
     * @param create whether missing directories are created (with default permissions; the plan
     *     sets their modes later)
     * @return false if a component is missing (and {@code create} is off)
     * @throws MirrorException UNSAFE if a component is a symbolic link, INVALID if it is anything
     *     else but a directory
     */
    private boolean parents(MirrorPath path, boolean create) throws MirrorException {
        Path dir = root;
        MirrorPath at = MirrorPath.ROOT;
        for (int i = 0; i < path.depth() - 1; i++) {
            String segment = path.segments().get(i);
            dir = dir.resolve(segment);
            at = child(at, segment);
            try {
                MirrorFiles.Status status = MirrorFiles.lstat(dir);
                if (status == null) {
                    if (!create) {
                        return false;
                    }
                    status = createDirectory(dir);
                }
                if (status.isSymbolicLink()) {
                    throw new MirrorException(
                            MirrorException.Kind.UNSAFE,
                            "'"
                                    + at
                                    + "' is a symbolic link on the backup; mirrored steps never"
                                    + " follow links");
                }
                if (!status.isDirectory()) {
                    throw new MirrorException(
                            MirrorException.Kind.INVALID,
                            "'"
                                    + at
                                    + "' is not a directory on the backup, so '"
                                    + path
                                    + "' cannot be under it");
                }
            } catch (IOException e) {
                throw MirrorFiles.failure("checking the directory", dir, e);
            }
        }
        return true;
    }

    /** Creates a missing parent directory; another step may be creating it at the same time. */
    private static MirrorFiles.Status createDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
            DurableFiles.syncDirectory(dir.getParent());
        } catch (FileAlreadyExistsException e) {
            // Created by a concurrent step; what is there now is checked like any component.
        }
        MirrorFiles.Status status = MirrorFiles.lstat(dir);
        if (status == null) {
            throw new NoSuchFileException(dir.toString(), null, "removed while being created");
        }
        return status;
    }

    private static MirrorPath child(MirrorPath parent, String name) {
        try {
            return parent.child(name);
        } catch (MirrorException e) {
            throw new IllegalStateException("a segment of a valid path is valid", e);
        }
    }

    /**
     * Refuses a link target that is absolute or, resolved lexically from the link's directory,
     * leaves the root.
     */
    static void checkLinkTarget(MirrorPath link, String target) throws MirrorException {
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "link '" + link + "' has an empty target or one with a NUL character");
        }
        if (target.startsWith("/")) {
            throw new MirrorException(
                    MirrorException.Kind.UNSAFE,
                    "link '"
                            + link
                            + "' points to the absolute path '"
                            + MirrorPath.printable(target)
                            + "'; mirrored links stay inside the directory");
        }
        int depth = link.depth() - 1;
        for (String segment : target.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            depth += segment.equals("..") ? -1 : 1;
            if (depth < 0) {
                throw new MirrorException(
                        MirrorException.Kind.UNSAFE,
                        "link '"
                                + link
                                + "' points to '"
                                + MirrorPath.printable(target)
                                + "', outside the mirrored directory");
            }
        }
    }

    private static void requireNotRoot(MirrorPath path) throws MirrorException {
        if (path.isRoot()) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "a step names the mirrored directory itself; steps name paths under it");
        }
    }

    private static FileEntry requireType(FileEntry entry, EntryType type) throws MirrorException {
        if (entry.type() != type) {
            throw new MirrorException(
                    MirrorException.Kind.INVALID,
                    "'"
                            + entry.path()
                            + "' is a "
                            + entry.type()
                            + " entry where a "
                            + type
                            + " was expected");
        }
        return entry;
    }

    /**
     * Syncs the directories holding {@code paths} (each once), after files were committed without
     * syncing theirs.
     */
    public void syncDirectories(java.util.Collection<MirrorPath> paths) throws MirrorException {
        java.util.Set<MirrorPath> dirs = new java.util.LinkedHashSet<>();
        for (MirrorPath p : paths) {
            dirs.add(p.parent());
        }
        for (MirrorPath d : dirs) {
            Path dir = file(d);
            try {
                DurableFiles.syncDirectory(dir);
            } catch (IOException e) {
                throw MirrorFiles.failure("syncing the directory", dir, e);
            }
        }
    }

    private Path file(MirrorPath path) {
        return MirrorFiles.resolve(root, path);
    }

    private static String partialName() {
        return DirectorySpec.PARTIAL_PREFIX
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** Removes a partial file or link after a failure; a leftover is found by removePartials. */
    private static void discard(Path partial) {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            log.warn("could not remove the partial file {}: {}", partial, e.toString());
        }
    }
}
