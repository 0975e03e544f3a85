package io.switchover.daemon.mirror;

import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.Glob;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorPath;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a mirrored directory on this node: sorted listings (by {@link MirrorPath} order, so both
 * nodes list the same way), single entries, and content hashes. Never follows a symbolic link: a
 * link is listed as a link. Entries whose names the mirror cannot carry, and special files, are
 * skipped and reported.
 */
public final class LocalTree {
    private LocalTree() {}

    /**
     * Lists the subtree {@code under} of the directory at {@code root}: every entry below it (not
     * {@code under} itself), depth-first in path order, only the root's own entries unless {@code
     * recursive}, without excluded entries (an excluded directory hides its subtree), without
     * partial files, only paths after {@code after}, at most {@code limit} of them.
     *
     * @param skipped told of each entry left out because its name is invalid or it is neither a
     *     file, a directory nor a link
     * @return the entries, and whether more follow
     * @throws MirrorException IO if the root or {@code under} cannot be read (a missing {@code
     *     under} lists as empty)
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
        throw new UnsupportedOperationException("TODO");
    }

    /** A page of a listing. */
    public record Page(List<FileEntry> entries, boolean more) {}

    /** The entry at {@code path}, if it exists (links not followed). */
    public static Optional<FileEntry> stat(Path root, MirrorPath path) throws MirrorException {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * SHA-256 of the file's content, or an empty array if {@code path} is not a regular file (or is
     * gone).
     */
    public static byte[] hash(Path root, MirrorPath path) throws MirrorException {
        throw new UnsupportedOperationException("TODO");
    }
}
