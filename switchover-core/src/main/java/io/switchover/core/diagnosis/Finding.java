package io.switchover.core.diagnosis;

/** Where the problem is, as far as the backup can tell. */
public enum Finding {
    /** The module answers after all: no error. */
    MODULE_UP,
    /** The notifier on the primary answers but the monitored module does not. */
    MODULE_DOWN,
    /** The primary's host is there but its notifier (the daemon) cannot be reached. */
    REMOTE_NOTIFIER_DOWN,
    /** The primary's host does not answer at the network level. */
    PRIMARY_UNREACHABLE
}
