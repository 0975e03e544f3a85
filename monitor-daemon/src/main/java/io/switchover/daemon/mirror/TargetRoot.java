package io.switchover.daemon.mirror;

import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorOp;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

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
 */
public final class TargetRoot {

    /**
     * @param root the directory's path on this node; created (with parents) if missing
     */
    public TargetRoot(Path root) throws MirrorException {
        throw new UnsupportedOperationException("TODO");
    }

    public Path root() {
        throw new UnsupportedOperationException("TODO");
    }

    /** From now on, preserve what steps replace or delete under {@code dir}; empty turns it off. */
    public void keepAsideInto(Optional<Path> dir) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Applies a step other than a transfer.
     *
     * @throws MirrorException UNSAFE if it would reach outside the root, NO_SPACE or IO if the disk
     *     refused (nothing good is lost), INVALID for a transfer
     */
    public void apply(MirrorOp op) throws MirrorException {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Starts receiving a file's new content; the target is untouched until {@link
     * IncomingFile#commit()}. Missing parent directories are created.
     */
    public IncomingFile receive(FileEntry entry) throws MirrorException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Removes partial files left under the root by an earlier run that stopped mid-transfer. */
    public int removePartials() throws MirrorException {
        throw new UnsupportedOperationException("TODO");
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
        void commit() throws MirrorException;

        /** Abandons the file: the partial file is removed, the target untouched. Idempotent. */
        @Override
        void close();
    }
}
