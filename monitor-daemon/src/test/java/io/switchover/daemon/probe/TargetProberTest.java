package io.switchover.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchover.core.port.Reachability;
import io.switchover.daemon.testing.SilentPort;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The real probes against real sockets on loopback. */
class TargetProberTest {
    private static final IcmpPrivilege UNPRIVILEGED = new IcmpPrivilege(false, "test");

    @Test
    void probe_tcpTargetWithListener_reachable() throws Exception {
        try (ServerSocket listener = listener()) {
            Prober.Result result =
                    probe(
                            tcpPlan(22),
                            "tcp:127.0.0.1:" + listener.getLocalPort(),
                            Duration.ofSeconds(2));
            assertThat(result.reachability()).isEqualTo(Reachability.REACHABLE);
            assertThat(result.detail()).contains("connected");
        }
    }

    @Test
    void probe_tcpTargetWithClosedPort_reachableBecauseTheHostAnswered() throws Exception {
        Prober.Result result =
                probe(tcpPlan(22), "tcp:127.0.0.1:" + closedPort(), Duration.ofSeconds(2));
        assertThat(result.reachability()).isEqualTo(Reachability.REACHABLE);
        assertThat(result.detail()).contains("connection refused");
    }

    @Test
    void probe_tcpTargetThatNeverAnswers_unreachableAfterTheTimeout() throws Exception {
        try (SilentPort silent = new SilentPort()) {
            long start = System.nanoTime();
            Prober.Result result =
                    probe(tcpPlan(22), "tcp:127.0.0.1:" + silent.port(), Duration.ofMillis(300));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(result.reachability()).isEqualTo(Reachability.UNREACHABLE);
            assertThat(result.detail()).contains("no answer within");
            assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
        }
    }

    @Test
    void probe_plainAddressWithoutIcmp_connectsToThePlanPort() throws Exception {
        try (ServerSocket listener = listener()) {
            Prober.Result result =
                    probe(tcpPlan(listener.getLocalPort()), "127.0.0.1", Duration.ofSeconds(2));
            assertThat(result.reachability()).isEqualTo(Reachability.REACHABLE);
            assertThat(result.detail())
                    .isEqualTo("TCP port " + listener.getLocalPort() + ": connected");
        }
    }

    @Test
    void probe_unresolvableName_unreachable() {
        Prober.Result result = probe(tcpPlan(22), "no-such-host.invalid", Duration.ofSeconds(5));
        assertThat(result.reachability()).isEqualTo(Reachability.UNREACHABLE);
        assertThat(result.detail()).contains("no-such-host.invalid");
    }

    @Test
    void probe_nameResolvedAtProbeTime_eachProbeAsksTheResolver() throws Exception {
        int[] lookups = {0};
        try (ServerSocket listener = listener()) {
            TargetProber prober =
                    new TargetProber(
                            tcpPlan(22),
                            host -> {
                                lookups[0]++;
                                return InetAddress.getLoopbackAddress();
                            });
            for (int i = 0; i < 2; i++) {
                assertThat(
                                prober.probe(
                                                ProbeTarget.parse(
                                                        "tcp:primary.example:"
                                                                + listener.getLocalPort()),
                                                System.nanoTime() + Duration.ofSeconds(2).toNanos(),
                                                new Abort())
                                        .reachability())
                        .isEqualTo(Reachability.REACHABLE);
            }
            assertThat(lookups[0]).isEqualTo(2);
        }
    }

    @Test
    void probe_icmpOfLoopbackWhenPrivileged_reachable() {
        IcmpPrivilege privilege = IcmpPrivilege.detect();
        assumeTrue(
                privilege.granted(),
                "skipped: this process is not privileged for ICMP echo ("
                        + privilege.basis()
                        + ")");
        ProbePlan plan = ProbePlan.resolve(ProbeMode.ICMP, privilege, 22);
        Prober.Result result = probe(plan, "127.0.0.1", Duration.ofSeconds(2));
        assertThat(result.reachability()).isEqualTo(Reachability.REACHABLE);
        assertThat(result.detail()).isEqualTo("ICMP echo answered");
    }

    @Test
    void attempt_abortedFromAnotherThread_endsAtOnce() throws Exception {
        try (SilentPort silent = new SilentPort()) {
            Abort abort = new Abort();
            abort.abort();
            TcpConnect.Attempt attempt =
                    TcpConnect.attempt(silent.address(), Duration.ofSeconds(30), abort);
            assertThat(attempt.result()).isEqualTo(TcpConnect.Result.ABORTED);
        }
    }

    private static Prober.Result probe(ProbePlan plan, String target, Duration timeout) {
        return new TargetProber(plan)
                .probe(
                        ProbeTarget.parse(target),
                        System.nanoTime() + timeout.toNanos(),
                        new Abort());
    }

    private static ProbePlan tcpPlan(int port) {
        return ProbePlan.resolve(ProbeMode.AUTO, UNPRIVILEGED, port);
    }

    static ServerSocket listener() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** A loopback port nobody listens on: bound, then released. */
    static int closedPort() throws Exception {
        try (ServerSocket s = listener()) {
            return s.getLocalPort();
        }
    }
}
