package io.switchover.core.mirror;

/** What a listed path is. Anything else (devices, sockets, fifos) is not mirrored. */
public enum EntryType {
    FILE,
    DIRECTORY,
    SYMLINK
}
