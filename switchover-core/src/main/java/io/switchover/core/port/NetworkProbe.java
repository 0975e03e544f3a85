package io.switchover.core.port;

import io.switchover.core.time.Cancellable;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Plain network reachability, independent of any switchover software: ICMP echo (or the daemon's
 * configured equivalent) to gateways, NetTest addresses and the peer's host.
 */
public interface NetworkProbe {

    /**
     * The gateway addresses of every local adapter, as enumerated when the daemon started. May
     * contain loopback or empty entries; the core filters them out.
     */
    List<String> localGateways();

    /**
     * Pings {@code address} (an IP address or a host name; a name that cannot be resolved now is
     * {@link Reachability#UNREACHABLE}) and reports within roughly {@code timeout}.
     *
     * <p>A probe that could not run at all (no thread for it within {@code timeout}) is reported
     * {@link Reachability#UNKNOWN}, never sooner than {@code timeout} after the call, so that a
     * caller asking again at once cannot spin.
     */
    Cancellable ping(String address, Duration timeout, Consumer<Reachability> result);
}
