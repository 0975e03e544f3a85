package io.switchover.core.mirror;

/**
 * One step that makes a path on the backup match the primary. Content travels separately, as a
 * stream (see {@link Transfer}); every other step is carried in an apply request.
 */
public sealed interface MirrorOp
        permits MirrorOp.Delete,
                MirrorOp.MakeDirectory,
                MirrorOp.Link,
                MirrorOp.Transfer,
                MirrorOp.SetAttributes {

    MirrorPath path();

    /** Removes the path: a file, a link, or a directory with everything under it. */
    record Delete(MirrorPath path) implements MirrorOp {}

    /** Creates the directory with the entry's mode (replacing a file or link there). */
    record MakeDirectory(FileEntry entry) implements MirrorOp {
        @Override
        public MirrorPath path() {
            return entry.path();
        }
    }

    /** Creates or replaces a symbolic link with the entry's target. */
    record Link(FileEntry entry) implements MirrorOp {
        @Override
        public MirrorPath path() {
            return entry.path();
        }
    }

    /**
     * Sends the file's content, which replaces the backup's copy atomically with the entry's mode
     * and time.
     */
    record Transfer(FileEntry entry) implements MirrorOp {
        @Override
        public MirrorPath path() {
            return entry.path();
        }
    }

    /** Sets mode and modification time of a file or directory whose content already matches. */
    record SetAttributes(FileEntry entry) implements MirrorOp {
        @Override
        public MirrorPath path() {
            return entry.path();
        }
    }
}
