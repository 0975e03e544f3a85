package io.switchover.daemon.mirror;

import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.EntryType;
import io.switchover.core.mirror.Excludes;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.Glob;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a mirrored directory on this node: sorted listings (by {@link MirrorPath} order, so both
 * nodes list the same way), single entries, and content hashes. Never follows a symbolic link: a
 * link is listed as a link, and a path with a link (or anything but a directory) above it is not
 * part of the tree. Entries whose names the mirror cannot carry, and special files, are skipped and
 * reported.
 */
public final class LocalTree {

    private static final int HASH_BUFFER_BYTES = 64 * 1024;

    private LocalTree() {}

    /**
     * Lists the subtree {@code under} of the directory at {@code root}: every entry below it (not
     * {@code under} itself), depth-first in path order, only the root's own entries unless {@code
     * recursive}, without excluded entries (an excluded directory hides its subtree), without
     * partial files, only paths after {@code after}, at most {@code limit} of them.
     *
     * <p>Subtrees that sort entirely before {@code after} are not read, so paging through a large
     * directory costs one pass over it in all.
     *
     * @param skipped told of each entry left out because its name is invalid or it is neither a
     *     file, a directory nor a link; each at most once over the pages of a listing
     * @param limit at least 1
     * @return the entries, and whether more follow
     * @throws MirrorException IO if the root or {@code under} cannot be read (a missing {@code
     *     under}, or one that is not a directory, lists as empty)
     */
    public static Page list(
            Path root,
            MirrorPath under,
            boolean recursive,
            List<Glob> excludes,
            MirrorPath after,
            int limit,
            Consumer<String> skipped)
            throws MirrorException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is not positive");
        }
        checkRoot(root);
        Listing listing = new Listing(root, recursive, excludes, after, limit, skipped);
        try {
            if (!listing.reachable(under)) {
                return new Page(List.of(), false);
            }
            Position start = Position.of(under, after);
            if (start != Position.BEFORE_AFTER) {
                listing.walk(under, start == Position.ON_BOUNDARY);
            }
        } catch (IOException e) {
            throw MirrorFiles.failure("listing", listing.current, e);
        }
        return new Page(List.copyOf(listing.entries), listing.more);
    }

    /** A page of a listing. */
    public record Page(List<FileEntry> entries, boolean more) {}

    /** The entry at {@code path}, if it exists (links not followed). */
    public static Optional<FileEntry> stat(Path root, MirrorPath path) throws MirrorException {
        Path file = MirrorFiles.resolve(root, path);
        try {
            if (!MirrorFiles.ancestorsAreDirectories(root, path)) {
                return Optional.empty();
            }
            MirrorFiles.Status status = MirrorFiles.lstat(file);
            if (status == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(MirrorFiles.entry(path, file, status));
        } catch (IOException e) {
            throw MirrorFiles.failure("reading the attributes of", file, e);
        }
    }

    /**
     * SHA-256 of the file's content, or an empty array if {@code path} is not a regular file (or is
     * gone).
     */
    public static byte[] hash(Path root, MirrorPath path) throws MirrorException {
        Path file = MirrorFiles.resolve(root, path);
        try {
            if (!MirrorFiles.ancestorsAreDirectories(root, path)) {
                return new byte[0];
            }
            // Checked before opening: opening a named pipe would block.
            MirrorFiles.Status status = MirrorFiles.lstat(file);
            if (status == null || status.type() != EntryType.FILE) {
                return new byte[0];
            }
            MessageDigest digest = sha256();
            byte[] buffer = new byte[HASH_BUFFER_BYTES];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            try (FileChannel channel =
                    FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                int n;
                while ((n = channel.read(wrapped.clear())) >= 0) {
                    digest.update(buffer, 0, n);
                }
            }
            return digest.digest();
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            throw MirrorFiles.failure("hashing", file, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void checkRoot(Path root) throws MirrorException {
        // The root itself may be a link the operator configured: it is followed.
        if (!Files.isDirectory(root)) {
            throw new MirrorException(
                    MirrorException.Kind.IO,
                    Files.exists(root, LinkOption.NOFOLLOW_LINKS)
                            ? "mirrored directory " + root + " is not a directory"
                            : "mirrored directory " + root + " does not exist");
        }
    }

    /** Where a directory's subtree lies relative to {@code after}. */
    private enum Position {
        /** Every path in the subtree sorts at or before {@code after}: nothing to list. */
        BEFORE_AFTER,
        /** {@code after} lies strictly inside the subtree: some of it comes before. */
        ON_BOUNDARY,
        /** Every path strictly below the directory sorts after {@code after}. */
        AFTER_AFTER;

        static Position of(MirrorPath directory, MirrorPath after) {
            if (after.startsWith(directory)) {
                return after.depth() > directory.depth() ? ON_BOUNDARY : AFTER_AFTER;
            }
            // Not an ancestor of after: the first differing segment decides for the whole subtree.
            return directory.compareTo(after) < 0 ? BEFORE_AFTER : AFTER_AFTER;
        }
    }

    /** One listing's walk; collects entries until the page is full and one more is seen. */
    private static final class Listing {
        private final Path root;
        private final boolean recursive;
        private final Excludes excludes;
        private final MirrorPath after;
        private final int limit;
        private final Consumer<String> skipped;
        private final List<FileEntry> entries = new ArrayList<>();

        /** An entry beyond the page was found: the walk is over. */
        private boolean more;

        /** The path being read, for the message if reading fails. */
        private Path current;

        Listing(
                Path root,
                boolean recursive,
                List<Glob> excludes,
                MirrorPath after,
                int limit,
                Consumer<String> skipped) {
            this.root = root;
            this.recursive = recursive;
            this.excludes = Excludes.of(excludes);
            this.after = after;
            this.limit = limit;
            this.skipped = skipped;
            this.current = root;
        }

        /**
         * Whether {@code under} is a directory the listing may descend into: within the depth,
         * reached through directories only, itself and its ancestors neither excluded nor partial.
         */
        boolean reachable(MirrorPath under) throws IOException {
            if (under.isRoot()) {
                return true;
            }
            if (!recursive) {
                return false;
            }
            Path dir = root;
            for (int i = 0; i < under.depth(); i++) {
                String segment = under.segments().get(i);
                dir = dir.resolve(segment);
                current = dir;
                if (leftOut(prefix(under, i + 1), segment, EntryType.DIRECTORY)) {
                    return false;
                }
                MirrorFiles.Status status = MirrorFiles.lstat(dir);
                if (status == null || !status.isDirectory()) {
                    return false;
                }
            }
            return true;
        }

        private static MirrorPath prefix(MirrorPath path, int depth) {
            MirrorPath p = path;
            while (p.depth() > depth) {
                p = p.parent();
            }
            return p;
        }

        /**
         * Excluded, or a partial file of the backup's: never mirrored, never reported. Ancestors
         * were checked on the way down, so only the path itself is, with its type (an exclude may
         * name directories only).
         */
        private boolean leftOut(MirrorPath path, String name, EntryType type) {
            return name.startsWith(DirectorySpec.PARTIAL_PREFIX) || excludes.matches(path, type);
        }

        /**
         * Lists the entries below {@code directory} in order.
         *
         * @param boundary whether {@code after} lies inside this directory's subtree (then children
         *     sorting before its next segment are passed over without being read)
         */
        void walk(MirrorPath directory, boolean boundary) throws IOException {
            Path dir = MirrorFiles.resolve(root, directory);
            String afterName = boundary ? after.segments().get(directory.depth()) : null;
            for (String name : childNames(dir, directory, afterName)) {
                boolean ancestorOfAfter = false;
                if (afterName != null) {
                    int c = name.compareTo(afterName);
                    if (c < 0) {
                        continue;
                    }
                    ancestorOfAfter = c == 0;
                }
                visit(directory, dir, name, ancestorOfAfter);
                if (more) {
                    return;
                }
            }
        }

        /**
         * @param atOrBeforeAfter the child is {@code after} or one of its ancestors: not listed
         *     again, but what lies below it may be
         */
        private void visit(MirrorPath directory, Path dir, String name, boolean atOrBeforeAfter)
                throws IOException {
            Path file = dir.resolve(name);
            current = file;
            MirrorPath path;
            try {
                path = directory.child(name);
            } catch (MirrorException e) {
                skip(directory, name, e.getMessage());
                return;
            }
            MirrorFiles.Status status = MirrorFiles.lstat(file);
            if (status == null) {
                return; // deleted while listing: the change will be seen on its own
            }
            if (leftOut(path, name, status.isDirectory() ? EntryType.DIRECTORY : EntryType.FILE)) {
                return;
            }
            if (!recursive && status.isDirectory()) {
                return; // Without '+', only the directory's own files and links are mirrored.
            }
            if (status.type() == null) {
                if (!atOrBeforeAfter) {
                    skip(directory, name, "it is " + status.special());
                }
                return;
            }
            if (!atOrBeforeAfter) {
                FileEntry entry = MirrorFiles.entry(path, file, status);
                if (entry == null) {
                    return;
                }
                if (entries.size() == limit) {
                    more = true;
                    return;
                }
                entries.add(entry);
            }
            if (recursive && status.isDirectory()) {
                walk(path, atOrBeforeAfter && after.depth() > path.depth());
            }
        }

        private void skip(MirrorPath directory, String name, String why) {
            // Once the page is full, the walk only looks for one more entry; what it passes on the
            // way is reported by the next page.
            if (entries.size() < limit) {
                String path = directory.isRoot() ? name : directory + "/" + name;
                skipped.accept("'" + MirrorPath.printable(path) + "' is not mirrored: " + why);
            }
        }

        /**
         * The names in {@code dir}, sorted as {@link MirrorPath} sorts. Names that do not survive
         * decoding (not valid in the platform's encoding) are reported (unless they sort before
         * {@code afterName}: an earlier page did) and left out, since they cannot be found again by
         * name.
         */
        private List<String> childNames(Path dir, MirrorPath directory, String afterName)
                throws IOException {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                for (Path child : children) {
                    String name = child.getFileName().toString();
                    if (dir.resolve(name).equals(child)) {
                        names.add(name);
                    } else if (afterName == null || name.compareTo(afterName) > 0) {
                        skip(directory, name, "its name is not valid UTF-8");
                    }
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                return List.of(); // replaced while listing: the change will be seen on its own
            }
            Collections.sort(names);
            return names;
        }
    }
}
