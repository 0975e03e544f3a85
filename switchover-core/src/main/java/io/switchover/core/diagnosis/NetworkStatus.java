package io.switchover.core.diagnosis;

/**
 * The backup's network status, as set by the rule that decided it.
 *
 * <p>Two different questions are answered here. {@link #isGood()} is the spec's "network OK" used
 * by the five-way decision. {@link #isolatesBackup()} is the isolation guard's question: is there
 * positive evidence that the backup itself is cut off? Only a configured check of the backup's own
 * side (gateway, NetTest) can say so. {@link #PRIMARY_UNREACHABLE} is not good, but it does not
 * prove isolation: it is exactly the situation a switchover exists for.
 */
public enum NetworkStatus {
    GATEWAY_REACHED(true, false),
    GATEWAY_UNREACHABLE(false, true),
    NETTEST_REACHED(true, false),
    NETTEST_UNREACHABLE(false, true),
    PRIMARY_REACHED(true, false),
    PRIMARY_UNREACHABLE(false, false);

    private final boolean good;
    private final boolean isolatesBackup;

    NetworkStatus(boolean good, boolean isolatesBackup) {
        this.good = good;
        this.isolatesBackup = isolatesBackup;
    }

    /** The spec's "network OK". */
    public boolean isGood() {
        return good;
    }

    /** The backup's own network is down: it must not take over. */
    public boolean isolatesBackup() {
        return isolatesBackup;
    }
}
