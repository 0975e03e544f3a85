package io.switchover.core.diagnosis;

import io.switchover.core.port.Reachability;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one diagnosis found: the connections, the backup's network status and the rule that set it,
 * the primary's host, and every check made on the way, in order, for the log.
 *
 * @param took how long the diagnosis took on the core's clock
 * @param couldTake the longest it can take without a stall: its slowest chain of ping timeouts
 */
public record Diagnosis(
        ConnectionStatus connections,
        NetworkStatus network,
        NetworkStatusRule decidedBy,
        Reachability primaryHost,
        List<String> checks,
        Duration took,
        Duration couldTake) {

    public Diagnosis {
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(primaryHost, "primaryHost");
        checks = List.copyOf(checks);
        Objects.requireNonNull(took, "took");
        Objects.requireNonNull(couldTake, "couldTake");
    }

    /**
     * Whether this process stalled while the diagnosis ran (it took more than {@code threshold}
     * longer than its pings allow): what it found may have changed since, so it must be redone
     * before anything irreversible is decided on it.
     */
    public boolean spannedStall(Duration threshold) {
        return took.compareTo(couldTake.plus(threshold)) > 0;
    }

    /** One line: {@code connections BOTH_DOWN, network NETTEST_REACHED, primary host REACHABLE}. */
    public String summary() {
        return "connections "
                + connections
                + ", network "
                + network
                + " (rule "
                + decidedBy
                + "), primary host "
                + primaryHost;
    }
}
