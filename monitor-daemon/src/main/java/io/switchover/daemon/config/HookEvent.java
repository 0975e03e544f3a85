package io.switchover.daemon.config;

/** The moments that run hook scripts, each configured under {@code hooks.<key>}. */
public enum HookEvent {
    ENTER_PRIMARY("on-enter-primary"),
    LEAVE_PRIMARY("on-leave-primary"),
    ENTER_BACKUP("on-enter-backup"),
    LEAVE_BACKUP("on-leave-backup"),
    ENTER_FAILED("on-enter-failed"),
    LEAVE_FAILED("on-leave-failed");

    private final String key;

    HookEvent(String key) {
        this.key = key;
    }

    /** The key under {@code hooks}. */
    public String key() {
        return key;
    }
}
