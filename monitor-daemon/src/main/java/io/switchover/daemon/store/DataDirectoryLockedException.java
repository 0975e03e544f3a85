package io.switchover.daemon.store;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Another daemon (or another part of this process) already holds the data directory. Two daemons on
 * one data directory would overwrite each other's generation and history, so the second one must
 * not start.
 */
public final class DataDirectoryLockedException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final long holderPid;

    DataDirectoryLockedException(Path directory, OptionalLong holderPid, String message) {
        super(message);
        this.directory = directory;
        this.holderPid = holderPid.orElse(-1);
    }

    /** The data directory that is in use. */
    public Path directory() {
        return directory;
    }

    /** The pid written by the holder into the lock file, if it could be read. */
    public OptionalLong holderPid() {
        return holderPid < 0 ? OptionalLong.empty() : OptionalLong.of(holderPid);
    }
}
