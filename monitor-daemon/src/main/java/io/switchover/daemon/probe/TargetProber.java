package io.switchover.daemon.probe;

import io.switchover.core.time.Durations;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The real probe: resolves the target's host now, then sends ICMP echo or connects over TCP, as the
 * target and the {@link ProbePlan} say.
 *
 * <p>For reachability a refused TCP connection counts as reachable: the host's own stack answered
 * with a reset, so it is up and on the network, which is all a reachability probe asks (whether a
 * service listens is a module check's question). The caveat: a firewall on the path that rejects
 * with a reset on the host's behalf also counts; probe a port that is open on the host to be
 * strict. No answer within the timeout, "no route to host" and "network unreachable" count as
 * unreachable.
 */
final class TargetProber implements Prober {

    /** Name resolution, replaceable in tests. Blocking; may take long on a sick resolver. */
    @FunctionalInterface
    interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    private final ProbePlan plan;
    private final Resolver resolver;

    TargetProber(ProbePlan plan) {
        this(plan, InetAddress::getByName);
    }

    TargetProber(ProbePlan plan, Resolver resolver) {
        this.plan = plan;
        this.resolver = resolver;
    }

    @Override
    public Result probe(ProbeTarget target, long deadlineNanos, Abort abort) {
        InetAddress address;
        try {
            address = resolver.resolve(target.host());
        } catch (UnknownHostException e) {
            return Result.unreachable("cannot resolve " + target.host() + ": " + e.getMessage());
        }
        Duration remaining = Duration.ofNanos(deadlineNanos - System.nanoTime());
        if (remaining.toMillis() < 1) {
            return Result.unreachable("resolving " + target.host() + " took the whole timeout");
        }
        if (target instanceof ProbeTarget.Tcp tcp) {
            return tcp(address, tcp.port(), remaining, abort);
        }
        return plan.method() == ProbePlan.Method.ICMP_ECHO
                ? icmp(address, remaining)
                : tcp(address, plan.tcpPort(), remaining, abort);
    }

    private static Result icmp(InetAddress address, Duration timeout) {
        try {
            // With CAP_NET_RAW (checked at startup by ProbePlan) this is a real ICMP echo.
            boolean answered =
                    address.isReachable((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return answered
                    ? Result.reachable("ICMP echo answered")
                    : Result.unreachable("no ICMP echo reply within " + Durations.format(timeout));
        } catch (IOException e) {
            return Result.unreachable("ICMP echo failed: " + e.getMessage());
        }
    }

    private static Result tcp(InetAddress address, int port, Duration timeout, Abort abort) {
        TcpConnect.Attempt attempt =
                TcpConnect.attempt(new InetSocketAddress(address, port), timeout, abort);
        String detail = "TCP port " + port + ": " + attempt.detail();
        return switch (attempt.result()) {
            case CONNECTED, REFUSED -> Result.reachable(detail);
            case NO_ANSWER, UNREACHABLE, ABORTED -> Result.unreachable(detail);
        };
    }
}
