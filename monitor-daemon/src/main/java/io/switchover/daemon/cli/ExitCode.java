package io.switchover.daemon.cli;

/** switchoverctl's documented exit codes (also in docs/operations.md). */
enum ExitCode {
    /** The command did what was asked. */
    OK(0),
    /**
     * The daemon refused the command (unsafe switchover, not FAILED for rejoin, a registry write on
     * a node that is not the primary...); reason printed.
     */
    REFUSED(1),
    /** Wrong usage: unknown command or option. */
    USAGE(2),
    /** The daemon's admin API could not be reached. */
    DAEMON_NOT_RUNNING(3),
    /** No token, or the daemon refused it. */
    AUTHENTICATION(4),
    /** The configuration file is invalid (config check) or cannot be read. */
    CONFIG_INVALID(5),
    /** Anything else: a timeout waiting for a switchover, an unexpected answer. */
    ERROR(6),
    /** Registry: the key or value does not exist. */
    NOT_FOUND(7),
    /** Registry: a key, value or input file is invalid or over a limit; the problem is printed. */
    INVALID(8),
    /** Registry: cannot answer now (switchover draining, too many watches); retry later. */
    UNAVAILABLE(9);

    final int value;

    ExitCode(int value) {
        this.value = value;
    }
}
