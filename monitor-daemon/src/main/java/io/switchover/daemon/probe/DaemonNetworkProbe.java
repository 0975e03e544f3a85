package io.switchover.daemon.probe;

import io.switchover.core.port.NetworkProbe;
import io.switchover.core.port.Reachability;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's {@link NetworkProbe}: blocking probes (name resolution, ICMP echo, TCP connect) run
 * on a small bounded pool of probe threads, and every result is handed to the core's executor,
 * never delivered from inside {@link #ping}.
 *
 * <p>A probe's timeout counts from when it starts running on a probe thread: time spent waiting for
 * a thread is this process's own delay, not the address's. A deadline timer backs every ping:
 *
 * <ul>
 *   <li>a probe that has not started when its timeout (plus a small slack) has passed since the
 *       call never got a thread (a CPU-starved process, a pool full of stuck probes): it is
 *       reported {@link Reachability#UNKNOWN}, which the core never reads as unreachable, and it is
 *       taken off the queue;
 *   <li>a probe that started but has not answered within its own timeout plus the slack (a resolver
 *       that hangs) is reported {@link Reachability#UNREACHABLE} and aborted.
 * </ul>
 *
 * So a ping reports within its timeout plus the slack when a thread is free at once, and within
 * twice that at worst. A cancelled ping is never reported; its queued probe does not run, and a
 * running TCP connect is ended at once. An address that is not a valid {@link ProbeTarget}, or a
 * name that does not resolve now, is reported unreachable.
 *
 * <p>It must never block the core's thread, and never report twice.
 */
public final class DaemonNetworkProbe implements NetworkProbe, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DaemonNetworkProbe.class);

    /**
     * Enough for the core's concurrent probes (the primary's host alongside one sweep of gateways
     * or NetTest addresses) plus a few that ignore cancellation (ICMP echo runs to its timeout).
     */
    static final int MAX_PROBE_THREADS = 8;

    /** Pings waiting for a probe thread; beyond this the daemon is sick and says so. */
    static final int MAX_QUEUED_PROBES = 256;

    /**
     * How long after the timeout the deadline timer reports: the probe's own timeout ends at the
     * deadline and its answer, more precise for the log, should normally win.
     */
    static final Duration DEADLINE_SLACK = Duration.ofMillis(50);

    private final ProbePlan plan;
    private final Prober prober;
    private final List<String> gateways;
    private final Executor core;
    private final ThreadPoolExecutor probes;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Function<String, ProbeTarget> targets;

    /**
     * @param plan how plain addresses are probed (see {@link #start} to decide it)
     * @param gateways the local gateways, enumerated once at startup ({@link Gateways#enumerate()})
     * @param core the core's single executor: every result is delivered there
     */
    public DaemonNetworkProbe(ProbePlan plan, List<String> gateways, Executor core) {
        this(plan, new TargetProber(plan), gateways, core, ProbeTarget::parse);
    }

    /**
     * @param targets how an address the core asks about is probed; the configuration maps the
     *     peer's host to its {@code probe.peer-host} target this way
     */
    public DaemonNetworkProbe(
            ProbePlan plan,
            List<String> gateways,
            Executor core,
            Function<String, ProbeTarget> targets) {
        this(plan, new TargetProber(plan), gateways, core, targets);
    }

    DaemonNetworkProbe(ProbePlan plan, Prober prober, List<String> gateways, Executor core) {
        this(plan, prober, gateways, core, ProbeTarget::parse);
    }

    DaemonNetworkProbe(
            ProbePlan plan,
            Prober prober,
            List<String> gateways,
            Executor core,
            Function<String, ProbeTarget> targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.prober = Objects.requireNonNull(prober, "prober");
        this.gateways = List.copyOf(gateways);
        this.core = Objects.requireNonNull(core, "core");
        AtomicInteger threads = new AtomicInteger();
        this.probes =
                new ThreadPoolExecutor(
                        MAX_PROBE_THREADS,
                        MAX_PROBE_THREADS,
                        30,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(MAX_QUEUED_PROBES),
                        r -> daemonThread(r, "probe-" + threads.incrementAndGet()));
        this.probes.allowCoreThreadTimeOut(true);
        this.deadlines =
                new ScheduledThreadPoolExecutor(1, r -> daemonThread(r, "probe-deadlines"));
        this.deadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * The daemon's startup: detects the ICMP privilege, decides the {@link ProbePlan} for {@code
     * mode}, enumerates the gateways from the kernel, logs both (a warning when ICMP is not
     * available), and returns the probe.
     *
     * @throws IllegalStateException when {@code mode} is {@link ProbeMode#ICMP} and the process is
     *     not privileged for ICMP echo
     */
    public static DaemonNetworkProbe start(ProbeMode mode, int tcpPort, Executor core) {
        return start(mode, tcpPort, core, ProbeTarget::parse);
    }

    /** As {@link #start(ProbeMode, int, Executor)}, with a mapping of addresses to targets. */
    public static DaemonNetworkProbe start(
            ProbeMode mode, int tcpPort, Executor core, Function<String, ProbeTarget> targets) {
        ProbePlan plan = ProbePlan.resolve(mode, IcmpPrivilege.detect(), tcpPort);
        if (plan.icmpUnavailable()) {
            log.warn(plan.startupMessage());
        } else {
            log.info(plan.startupMessage());
        }
        List<String> gateways = Gateways.enumerate();
        log.info(
                "local gateways: {}",
                gateways.isEmpty() ? "none found in the routing tables" : gateways);
        return new DaemonNetworkProbe(plan, gateways, core, targets);
    }

    /** How plain addresses are probed. */
    public ProbePlan plan() {
        return plan;
    }

    @Override
    public List<String> localGateways() {
        return gateways;
    }

    @Override
    public Cancellable ping(String address, Duration timeout, Consumer<Reachability> result) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(result, "result");
        Ping ping = new Ping(address, timeout, result);
        ping.start();
        return ping;
    }

    /** Probes that ran to their end on a probe thread; for tests. */
    long finishedProbes() {
        return probes.getCompletedTaskCount();
    }

    /** Stops the probe threads; pings still outstanding are never reported. */
    @Override
    public void close() {
        probes.shutdownNow();
        deadlines.shutdownNow();
    }

    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One outstanding ping: settled exactly once, by its probe, its deadline, or a cancel. */
    private final class Ping implements Cancellable, Runnable {
        private final String address;
        private final Duration timeout;
        private final Consumer<Reachability> result;
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean settled = new AtomicBoolean();
        private final Abort abort = new Abort();
        // The delivery checks it on the core's executor, where the core also cancels: a ping the
        // core cancelled is never reported, even when its result was already on the way.
        private volatile boolean cancelled;
        private volatile long beganNanos;
        private volatile boolean began;
        private volatile Future<?> work;
        private volatile ScheduledFuture<?> timer;

        Ping(String address, Duration timeout, Consumer<Reachability> result) {
            this.address = address;
            this.timeout = timeout.isNegative() ? Duration.ZERO : timeout;
            this.result = result;
        }

        void start() {
            try {
                timer = deadlines.schedule(this::expire, untilDeadline(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                settle(Prober.Result.unreachable("the network probe is closed"));
                return;
            }
            try {
                work = probes.submit(this);
            } catch (RejectedExecutionException e) {
                if (probes.isShutdown()) {
                    settle(Prober.Result.unreachable("the network probe is closed"));
                } else {
                    // Reported UNKNOWN by the deadline timer: never at once, so that a core that
                    // asks again cannot spin.
                    log.warn(
                            "probe of {} not queued: {} probes already wait for a thread; probe"
                                    + " threads are stuck",
                            address,
                            MAX_QUEUED_PROBES);
                }
            }
        }

        /** Nanoseconds from now until the deadline timer should look at this ping. */
        private long untilDeadline() {
            long base = began ? beganNanos : startNanos;
            return base + timeout.plus(DEADLINE_SLACK).toNanos() - System.nanoTime();
        }

        @Override
        public void run() {
            beganNanos = System.nanoTime();
            began = true;
            if (settled.get()) {
                return; // cancelled or expired while it waited for a thread
            }
            Prober.Result answer;
            try {
                answer =
                        prober.probe(targets.apply(address), beganNanos + timeout.toNanos(), abort);
            } catch (IllegalArgumentException e) {
                log.warn("cannot probe '{}': {}", address, e.getMessage());
                answer = Prober.Result.unreachable("not a probe target: " + e.getMessage());
            } catch (RuntimeException e) {
                log.warn("probe of {} failed", address, e);
                answer = Prober.Result.unreachable("probe failed: " + e);
            }
            settle(answer);
        }

        private void expire() {
            if (!began) {
                if (settle(
                        new Prober.Result(
                                Reachability.UNKNOWN,
                                "the probe never got a thread within "
                                        + Durations.format(timeout)))) {
                    dequeue();
                    log.warn(
                            "probe of {} waited its whole timeout of {} for a probe thread;"
                                    + " reported as unknown, not unreachable",
                            address,
                            Durations.format(timeout));
                }
                return;
            }
            long remaining = untilDeadline();
            if (remaining > 0) {
                // It started late: its own timeout runs from then.
                try {
                    timer = deadlines.schedule(this::expire, remaining, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closing) {
                    // The probe is closing: nothing is reported any more.
                }
                return;
            }
            if (settle(
                    Prober.Result.unreachable("no answer within " + Durations.format(timeout)))) {
                abort.abort();
            }
        }

        private boolean settle(Prober.Result answer) {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            if (log.isDebugEnabled()) {
                log.debug(
                        "probe of {} ({}): {} after {}: {}",
                        address,
                        plan.describePlain(),
                        answer.reachability(),
                        Durations.format(
                                Duration.ofMillis(
                                        TimeUnit.NANOSECONDS.toMillis(
                                                System.nanoTime() - startNanos))),
                        answer.detail());
            }
            try {
                core.execute(
                        () -> {
                            if (!cancelled) {
                                result.accept(answer.reachability());
                            }
                        });
            } catch (RejectedExecutionException e) {
                log.debug("core executor refused the result for {}: it is stopping", address);
            }
            return true;
        }

        /** Called on the core's executor, as every call into a port is. */
        @Override
        public void cancel() {
            cancelled = true;
            if (settled.compareAndSet(false, true)) {
                ScheduledFuture<?> t = timer;
                if (t != null) {
                    t.cancel(false);
                }
                dequeue();
                abort.abort();
            }
        }

        /** Frees the queue slot of a probe that has not started and never will. */
        private void dequeue() {
            Future<?> w = work;
            if (w != null && w.cancel(false) && w instanceof Runnable task) {
                probes.remove(task);
            }
        }
    }
}
