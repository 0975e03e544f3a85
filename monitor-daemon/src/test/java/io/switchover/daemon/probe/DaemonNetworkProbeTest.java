package io.switchover.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchover.core.port.Reachability;
import io.switchover.core.time.Cancellable;
import io.switchover.daemon.testing.ManualExecutor;
import io.switchover.daemon.testing.SilentPort;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DaemonNetworkProbeTest {
    private static final ProbePlan TCP_PLAN =
            ProbePlan.resolve(ProbeMode.TCP, new IcmpPrivilege(false, "test"), 22);

    private final ManualExecutor core = new ManualExecutor();
    private final List<Reachability> results = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private DaemonNetworkProbe probe;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void ping_listeningPort_resultQueuedOnTheCoreExecutorNotDeliveredInsideTheCall()
            throws Exception {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), core);
        try (ServerSocket listener = TargetProberTest.listener()) {
            probe.ping(
                    "tcp:127.0.0.1:" + listener.getLocalPort(),
                    Duration.ofSeconds(2),
                    results::add);
            assertThat(results).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
            assertThat(results).isEmpty();
            core.runAll();
            assertThat(results).containsExactly(Reachability.REACHABLE);
        }
    }

    @Test
    void ping_realCoreExecutor_callbackRunsOnItsThread() throws Exception {
        ExecutorService coreThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "core"));
        try (ServerSocket listener = TargetProberTest.listener()) {
            probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), coreThread);
            AtomicReference<String> thread = new AtomicReference<>();
            probe.ping(
                    "tcp:127.0.0.1:" + listener.getLocalPort(),
                    Duration.ofSeconds(2),
                    r -> thread.set(Thread.currentThread().getName()));
            await().atMost(Duration.ofSeconds(5)).until(() -> thread.get() != null);
            assertThat(thread.get()).isEqualTo("core");
        } finally {
            coreThread.shutdownNow();
        }
    }

    @Test
    void ping_closedPort_reachableBecauseTheHostRefused() throws Exception {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), core);
        probe.ping(
                "tcp:127.0.0.1:" + TargetProberTest.closedPort(),
                Duration.ofSeconds(2),
                results::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
        core.runAll();
        assertThat(results).containsExactly(Reachability.REACHABLE);
    }

    @Test
    void ping_silentPort_unreachableWithinTheTimeout() throws Exception {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), core);
        try (SilentPort silent = new SilentPort()) {
            long start = System.nanoTime();
            probe.ping("tcp:127.0.0.1:" + silent.port(), Duration.ofMillis(300), results::add);
            await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            core.runAll();
            assertThat(results).containsExactly(Reachability.UNREACHABLE);
            assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
        }
    }

    @Test
    void ping_proberHangs_unreachableAtTheDeadlineAndTheProbeAborted() {
        AtomicBoolean aborted = new AtomicBoolean();
        probe =
                new DaemonNetworkProbe(
                        TCP_PLAN,
                        (target, deadline, abort) -> {
                            abort.register(() -> aborted.set(true));
                            awaitRelease();
                            return Prober.Result.reachable("too late");
                        },
                        List.of(),
                        core);
        long start = System.nanoTime();
        probe.ping("10.0.0.1", Duration.ofMillis(200), results::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        core.runAll();
        assertThat(results).containsExactly(Reachability.UNREACHABLE);
        assertThat(took).isBetween(Duration.ofMillis(200), Duration.ofSeconds(2));
        assertThat(aborted).isTrue();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.finishedProbes() == 1);
        assertThat(core.runAll()).as("the late answer is not reported").isZero();
    }

    @Test
    void ping_moreHangingProbesThanThreads_everyOneReportedWithinItsTimeout() {
        probe =
                new DaemonNetworkProbe(
                        TCP_PLAN,
                        (target, deadline, abort) -> {
                            awaitRelease();
                            return Prober.Result.reachable("released");
                        },
                        List.of(),
                        core);
        int pings = DaemonNetworkProbe.MAX_PROBE_THREADS * 3;
        long start = System.nanoTime();
        for (int i = 0; i < pings; i++) {
            probe.ping("10.0.0." + (i + 1), Duration.ofMillis(300), results::add);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == pings);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        core.runAll();
        // The probes that ran and hung are unreachable; the ones that never got a thread say
        // nothing about their address.
        assertThat(results).hasSize(pings);
        assertThat(results.stream().filter(r -> r == Reachability.UNREACHABLE))
                .hasSize(DaemonNetworkProbe.MAX_PROBE_THREADS);
        assertThat(results.stream().filter(r -> r == Reachability.UNKNOWN))
                .hasSize(pings - DaemonNetworkProbe.MAX_PROBE_THREADS);
    }

    @Test
    void ping_everyProbeThreadBusy_reportedUnknownNotUnreachableAndNeverRuns() {
        // The pool saturated for real: every probe thread is inside a probe that waits for the
        // release, with a long timeout. A ping behind them cannot run within its own timeout.
        CountDownLatch busy = new CountDownLatch(DaemonNetworkProbe.MAX_PROBE_THREADS);
        List<String> probed = new CopyOnWriteArrayList<>();
        probe =
                new DaemonNetworkProbe(
                        TCP_PLAN,
                        (target, deadline, abort) -> {
                            probed.add(target.host());
                            busy.countDown();
                            awaitRelease();
                            return Prober.Result.reachable("released");
                        },
                        List.of(),
                        core);
        List<Reachability> blockers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < DaemonNetworkProbe.MAX_PROBE_THREADS; i++) {
            probe.ping("10.0.1." + (i + 1), Duration.ofSeconds(30), blockers::add);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> busy.getCount() == 0);

        long start = System.nanoTime();
        probe.ping("10.0.0.9", Duration.ofMillis(200), results::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        core.runAll();

        assertThat(results).containsExactly(Reachability.UNKNOWN);
        assertThat(took).isBetween(Duration.ofMillis(200), Duration.ofSeconds(2));
        assertThat(blockers).as("the busy probes are still running").isEmpty();
        release.countDown();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> probe.finishedProbes() == DaemonNetworkProbe.MAX_PROBE_THREADS);
        assertThat(probed)
                .as("the starved probe was taken off the queue")
                .doesNotContain("10.0.0.9");
    }

    @Test
    void cancel_whileProbing_neverReported() {
        CountDownLatch probing = new CountDownLatch(1);
        probe =
                new DaemonNetworkProbe(
                        TCP_PLAN,
                        (target, deadline, abort) -> {
                            probing.countDown();
                            awaitRelease();
                            return Prober.Result.reachable("answered after the cancel");
                        },
                        List.of(),
                        core);
        Cancellable ping = probe.ping("10.0.0.1", Duration.ofSeconds(5), results::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> probing.getCount() == 0);
        ping.cancel();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.finishedProbes() == 1);
        assertThat(core.runAll()).isZero();
        assertThat(results).isEmpty();
    }

    @Test
    void cancel_afterTheResultWasQueued_notDelivered() throws Exception {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), core);
        try (ServerSocket listener = TargetProberTest.listener()) {
            Cancellable ping =
                    probe.ping(
                            "tcp:127.0.0.1:" + listener.getLocalPort(),
                            Duration.ofSeconds(2),
                            results::add);
            await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
            ping.cancel();
            core.runAll();
            assertThat(results).isEmpty();
        }
    }

    @Test
    void cancel_duringARealConnect_freesTheProbeThreadAtOnce() throws Exception {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), core);
        try (SilentPort silent = new SilentPort()) {
            Cancellable ping =
                    probe.ping(
                            "tcp:127.0.0.1:" + silent.port(), Duration.ofSeconds(30), results::add);
            await().atMost(Duration.ofSeconds(5))
                    .until(DaemonNetworkProbeTest::aProbeThreadIsConnecting);
            ping.cancel();
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.finishedProbes() == 1);
            assertThat(core.runAll()).isZero();
            assertThat(results).isEmpty();
        }
    }

    @Test
    void ping_answeredInTime_reportedExactlyOnce() {
        probe =
                new DaemonNetworkProbe(
                        TCP_PLAN,
                        (target, deadline, abort) -> Prober.Result.reachable("at once"),
                        List.of(),
                        core);
        probe.ping("10.0.0.1", Duration.ofMillis(50), results::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
        // Past the deadline: the timer must not report a second time.
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> core.queued() == 1);
        core.runAll();
        assertThat(results).containsExactly(Reachability.REACHABLE);
    }

    @Test
    void ping_notAProbeTarget_unreachable() {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), core);
        probe.ping("10.0.0.1:22", Duration.ofSeconds(1), results::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
        core.runAll();
        assertThat(results).containsExactly(Reachability.UNREACHABLE);
    }

    @Test
    void ping_unresolvableName_unreachable() {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), core);
        probe.ping("no-such-host.invalid", Duration.ofSeconds(2), results::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> core.queued() == 1);
        core.runAll();
        assertThat(results).containsExactly(Reachability.UNREACHABLE);
    }

    @Test
    void ping_afterClose_unreachable() {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of(), core);
        probe.close();
        probe.ping("127.0.0.1", Duration.ofSeconds(1), results::add);
        assertThat(results).isEmpty();
        core.runAll();
        assertThat(results).containsExactly(Reachability.UNREACHABLE);
    }

    @Test
    void localGateways_theEnumeratedList() {
        probe = new DaemonNetworkProbe(TCP_PLAN, List.of("192.168.0.1", "fd00::1"), core);
        assertThat(probe.localGateways()).containsExactly("192.168.0.1", "fd00::1");
    }

    @Test
    void start_autoMode_decidesThePlanFromThisProcess() {
        probe = DaemonNetworkProbe.start(ProbeMode.AUTO, 22, core);
        assertThat(probe.plan().method())
                .isEqualTo(
                        IcmpPrivilege.detect().granted()
                                ? ProbePlan.Method.ICMP_ECHO
                                : ProbePlan.Method.TCP_CONNECT);
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean aProbeThreadIsConnecting() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("probe-"))
                .anyMatch(
                        e ->
                                Arrays.stream(e.getValue())
                                        .anyMatch(
                                                f ->
                                                        f.getClassName().equals("java.net.Socket")
                                                                && f.getMethodName()
                                                                        .equals("connect")));
    }
}
