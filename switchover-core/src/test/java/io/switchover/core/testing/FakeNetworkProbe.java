package io.switchover.core.testing;

import io.switchover.core.port.NetworkProbe;
import io.switchover.core.port.Reachability;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A network in virtual time: reachable addresses answer after {@link #LATENCY}, the others are
 * reported unreachable when the ping's timeout has passed, as a real ICMP ping would. A starved
 * prober ({@link #starved}) reports its next pings {@link Reachability#UNKNOWN} at their timeout,
 * as the daemon's probe does for a probe that never got a thread.
 */
public final class FakeNetworkProbe implements NetworkProbe {

    public static final Duration LATENCY = Duration.ofMillis(1);

    private final Scheduler scheduler;
    private final Set<String> reachable = new HashSet<>();
    private final List<String> pinged = new ArrayList<>();
    private List<String> gateways = List.of();
    private int starved;

    public FakeNetworkProbe(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Sets what {@link #localGateways()} enumerates. */
    public FakeNetworkProbe gateways(String... addresses) {
        gateways = List.of(addresses);
        return this;
    }

    public FakeNetworkProbe reachable(String... addresses) {
        reachable.addAll(List.of(addresses));
        return this;
    }

    public FakeNetworkProbe unreachable(String... addresses) {
        reachable.removeAll(List.of(addresses));
        return this;
    }

    /** The next {@code pings} pings, whatever the address, cannot run: UNKNOWN at the timeout. */
    public FakeNetworkProbe starved(int pings) {
        starved = pings;
        return this;
    }

    /** Every address pinged so far, in order. */
    public List<String> pinged() {
        return List.copyOf(pinged);
    }

    public void forgetPings() {
        pinged.clear();
    }

    @Override
    public List<String> localGateways() {
        return gateways;
    }

    @Override
    public Cancellable ping(String address, Duration timeout, Consumer<Reachability> result) {
        pinged.add(address);
        if (starved > 0) {
            starved--;
            return scheduler.schedule(timeout, () -> result.accept(Reachability.UNKNOWN));
        }
        boolean answers = reachable.contains(address);
        Duration delay = answers && LATENCY.compareTo(timeout) < 0 ? LATENCY : timeout;
        Reachability outcome =
                answers && LATENCY.compareTo(timeout) < 0
                        ? Reachability.REACHABLE
                        : Reachability.UNREACHABLE;
        return scheduler.schedule(delay, () -> result.accept(outcome));
    }
}
