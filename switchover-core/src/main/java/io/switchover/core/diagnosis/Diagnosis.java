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
 * @param couldTake the longest it can take without a stall: its slowest chain of ping timeouts. A
 *     diagnosis that took longer (by more than the stall threshold, see {@code
 *     time.StallWatch#overran}) spanned a stall of this process: what it found may have changed
 *     since, so it is redone before anything irreversible is decided on it.
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
        if (!primaryHost.known()) {
            throw new IllegalArgumentException(
                    "a diagnosis rests on a probe of the primary's host that ran, not "
                            + primaryHost);
        }
        checks = List.copyOf(checks);
        Objects.requireNonNull(took, "took");
        Objects.requireNonNull(couldTake, "couldTake");
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
