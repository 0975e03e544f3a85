package io.switchover.core.monitor;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.diagnosis.Diagnosis;
import io.switchover.core.diagnosis.NetworkDiagnosis;
import io.switchover.core.diagnosis.Verdict;
import io.switchover.core.diagnosis.Verdicts;
import io.switchover.core.port.Connection;
import io.switchover.core.port.PeerLink;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.port.Reachability;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Scheduler;
import io.switchover.core.time.StallWatch;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The backup's central monitor: pings the notifier on the primary every {@code pingDelay}, handles
 * each of the five ping outcomes, runs the {@link ModuleMonitor} and tracks its liveness, and
 * analyses every problem (diagnosis plus verdict) before reporting it to its {@link Listener}.
 *
 * <p>Handling of ping outcomes (the spec's table):
 *
 * <ul>
 *   <li>{@code SUCCESS}: reset the retry count, {@link #scheduleNextPing}.
 *   <li>{@code TIMEOUT}, {@code REJECTED}: send a retry ping.
 *   <li>{@code CONNECTION_LOSS}: main connection up, the standard ping (the next scheduled one);
 *       main down, a retry ping.
 *   <li>{@code CANCELLED}: nothing; this monitor cancelled it while stopping.
 * </ul>
 *
 * A retry is sent only while the retry count is below {@code pingRetryMax}; at the maximum, error
 * processing starts instead. A ping that timed out while this process itself stalled (its outcome
 * arrived far later than its timeout allows, see {@link StallWatch}) says nothing about the peer:
 * it is not counted, and a fresh ping goes out at once. The same holds for module pings. While it
 * analyses a problem the module monitor is stopped, so that it cannot trigger a switchover before
 * the analysis is done, and liveness tracking is suspended.
 *
 * <p>Never changes state and never decides to switch over: after reporting, it stays paused until
 * the state machine calls {@link #start}, {@link #suspend} or {@link #stop}.
 */
public final class PrimaryMonitor {

    /** Receives each analysed problem. */
    @FunctionalInterface
    public interface Listener {
        void onProblemAnalysed(Problem problem, Verdict verdict);
    }

    private enum Mode {
        /** Not monitoring. */
        IDLE,
        /** Routine notifier pings; module monitor running; liveness tracked. */
        PINGING,
        /** Working out where a problem is; then waiting for the state machine. */
        ANALYSING,
        /** The state machine is reconnecting and asks for checks itself. */
        SUSPENDED
    }

    private final CoreConfig config;
    private final Clock clock;
    private final Scheduler scheduler;
    private final PeerLink link;
    private final NetworkDiagnosis diagnosis;
    private final StallWatch stalls;
    private final Listener listener;
    private final ModuleMonitor moduleMonitor;

    private Mode mode = Mode.IDLE;

    /** Bumped whenever the current activity is abandoned; stale callbacks compare against it. */
    private int epoch;

    private Cancellable pending = Cancellable.DONE;
    private int retryCount;
    private boolean moduleMonitorRestartPending;
    private boolean tracking;
    private long lastModuleEventNanos;

    public PrimaryMonitor(
            CoreConfig config,
            Clock clock,
            Scheduler scheduler,
            PeerLink link,
            NetworkDiagnosis diagnosis,
            StallWatch stalls,
            Listener listener) {
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        this.link = link;
        this.diagnosis = diagnosis;
        this.stalls = stalls;
        this.listener = listener;
        this.moduleMonitor =
                new ModuleMonitor(config, scheduler, link, stalls, this::onModuleEvent);
    }

    /**
     * Begins routine monitoring, or returns to it after a problem was resolved: fresh retry count,
     * liveness tracking on, and the module monitor (re)started by {@link #scheduleNextPing}, the
     * one place where the module monitor is ever (re)started.
     */
    public void start() {
        abandonActivity();
        mode = Mode.PINGING;
        retryCount = 0;
        tracking = true;
        lastModuleEventNanos = clock.nanos();
        moduleMonitorRestartPending = true;
        scheduleNextPing();
    }

    /**
     * Pauses routine monitoring while the state machine reconnects: no pings, module monitor
     * stopped, liveness tracking suspended. On-demand checks remain available.
     */
    public void suspend() {
        abandonActivity();
        mode = Mode.SUSPENDED;
        tracking = false;
        moduleMonitor.stop();
    }

    /** Stops everything; outstanding pings are cancelled. */
    public void stop() {
        abandonActivity();
        mode = Mode.IDLE;
        tracking = false;
        moduleMonitorRestartPending = false;
        moduleMonitor.stop();
    }

    /** Whether the module monitor is currently running (it is stopped while analysing). */
    public boolean moduleMonitorRunning() {
        return moduleMonitor.isRunning();
    }

    /**
     * The state machine's periodic poll: how long since the module monitor last reported. If that
     * exceeds {@link CoreConfig#moduleMonitorMaxEventGap()}, a restart is requested; {@link
     * #scheduleNextPing} performs it.
     */
    public ModuleMonitorLiveness pollModuleMonitor() {
        Duration maxGap = config.moduleMonitorMaxEventGap();
        if (!tracking) {
            return ModuleMonitorLiveness.suspended(maxGap);
        }
        Duration gap = Duration.ofNanos(clock.nanosSince(lastModuleEventNanos));
        boolean requested = gap.compareTo(maxGap) > 0 && !moduleMonitorRestartPending;
        if (requested) {
            moduleMonitorRestartPending = true;
        }
        return new ModuleMonitorLiveness(true, gap, maxGap, requested);
    }

    /**
     * One notifier ping over the preferred connection, outside the routine (reconnecting). An
     * outcome that arrives late enough to reveal a stall is recorded in the {@link StallWatch}.
     */
    public Cancellable checkNotifier(Consumer<PingOutcome> outcome) {
        StallWatch.Timing timing = stalls.time(config.pingTimeout());
        return link.sendNotifierPing(
                preferredConnection(), config.pingTimeout(), timed(timing, outcome));
    }

    /** One module ping over the preferred connection, outside the routine (reconnecting). */
    public Cancellable checkModule(Consumer<PingOutcome> outcome) {
        StallWatch.Timing timing = stalls.time(config.modulePingTimeout());
        return link.sendModulePing(
                preferredConnection(), config.modulePingTimeout(), timed(timing, outcome));
    }

    private static Consumer<PingOutcome> timed(
            StallWatch.Timing timing, Consumer<PingOutcome> outcome) {
        return o -> {
            timing.overran();
            outcome.accept(o);
        };
    }

    /** A full diagnosis, outside any analysis (e.g. to re-check before a switchover). */
    public Cancellable diagnose(Consumer<Diagnosis> result) {
        return diagnosis.diagnose(result);
    }

    /** One ping of the primary's host (waiting for an unreachable primary). */
    public Cancellable pingPrimaryHost(Consumer<Reachability> result) {
        return diagnosis.pingPrimaryHost(result);
    }

    /**
     * Performs a pending module-monitor restart, if any, then schedules the next routine ping.
     * Nothing else: in particular it neither resets nor counts retries.
     */
    private void scheduleNextPing() {
        if (moduleMonitorRestartPending) {
            moduleMonitorRestartPending = false;
            moduleMonitor.restart();
            lastModuleEventNanos = clock.nanos();
        }
        pending = afterDelay(config.pingDelay(), this::sendPing);
    }

    private void abandonActivity() {
        epoch++;
        pending.cancel();
        pending = Cancellable.DONE;
    }

    private Connection preferredConnection() {
        return diagnosis.connectionStatus().preferred().orElse(Connection.MAIN);
    }

    private void sendPing() {
        Connection via = preferredConnection();
        StallWatch.Timing timing = stalls.time(config.pingTimeout());
        pending =
                link.sendNotifierPing(
                        via,
                        config.pingTimeout(),
                        ifCurrent(outcome -> onPingOutcome(via, outcome, timing.overran())));
    }

    private void onPingOutcome(Connection via, PingOutcome outcome, boolean duringStall) {
        pending = Cancellable.DONE;
        switch (outcome.kind()) {
            case SUCCESS -> {
                retryCount = 0;
                scheduleNextPing();
            }
            case TIMEOUT -> {
                if (duringStall) {
                    // It timed out while this process was not running: ask again, uncounted.
                    sendPing();
                } else {
                    retryOrStartErrorProcessing(via, outcome);
                }
            }
            case REJECTED -> retryOrStartErrorProcessing(via, outcome);
            case CONNECTION_LOSS -> {
                if (link.isConnected(Connection.MAIN)) {
                    // The auxiliary dropped, or the main blipped and recovered: carry on with the
                    // routine ping rather than an immediate one, so a flapping link cannot spin.
                    scheduleNextPing();
                } else {
                    retryOrStartErrorProcessing(via, outcome);
                }
            }
            case CANCELLED -> {
                // Only this monitor cancels its pings, and only when abandoning them.
            }
        }
    }

    private void retryOrStartErrorProcessing(Connection via, PingOutcome outcome) {
        if (retryCount >= config.pingRetryMax()) {
            analyse(
                    new Problem.NotifierUnresponsive(via, outcome, retryCount),
                    Verdicts::onNotifierFailure);
        } else {
            retryCount++;
            sendPing();
        }
    }

    private void onModuleEvent(ModuleEvent event) {
        lastModuleEventNanos = clock.nanos();
        if (event instanceof ModuleEvent.Down down && mode == Mode.PINGING) {
            startModuleAnalysis(down);
        }
    }

    /**
     * Up to {@code moduleConfirmPings} more module pings over the preferred connection, stopping at
     * the first answer, then the diagnosis and the five-way verdict.
     */
    private void startModuleAnalysis(ModuleEvent.Down down) {
        pauseForAnalysis();
        confirmModule(down, 0);
    }

    private void confirmModule(ModuleEvent.Down down, int sent) {
        if (sent == config.moduleConfirmPings()) {
            analyseAfterConfirmation(down, sent, false);
            return;
        }
        StallWatch.Timing timing = stalls.time(config.modulePingTimeout());
        pending =
                link.sendModulePing(
                        preferredConnection(),
                        config.modulePingTimeout(),
                        ifCurrent(
                                outcome -> {
                                    boolean duringStall = timing.overran();
                                    switch (outcome.kind()) {
                                        case SUCCESS ->
                                                analyseAfterConfirmation(down, sent + 1, true);
                                        case TIMEOUT, REJECTED, CONNECTION_LOSS -> {
                                            if (duringStall
                                                    && outcome.kind() == PingOutcome.Kind.TIMEOUT) {
                                                confirmModule(down, sent);
                                                return;
                                            }
                                            if (sent + 1 == config.moduleConfirmPings()) {
                                                analyseAfterConfirmation(down, sent + 1, false);
                                            } else {
                                                pending =
                                                        afterDelay(
                                                                config.moduleRetryDelay(),
                                                                () ->
                                                                        confirmModule(
                                                                                down, sent + 1));
                                            }
                                        }
                                        case CANCELLED -> {}
                                    }
                                }));
    }

    private void analyseAfterConfirmation(ModuleEvent.Down down, int sent, boolean answered) {
        Problem problem = new Problem.ModuleNotResponding(down.detail(), sent, answered);
        analyse(problem, d -> Verdicts.onModuleNotification(d, answered));
    }

    private void analyse(Problem problem, Function<Diagnosis, Verdict> decide) {
        pauseForAnalysis();
        pending =
                diagnosis.diagnose(
                        ifCurrent(
                                d -> {
                                    pending = Cancellable.DONE;
                                    listener.onProblemAnalysed(problem, decide.apply(d));
                                }));
    }

    /** Stops routine pings and the module monitor, and suspends liveness tracking. */
    private void pauseForAnalysis() {
        if (mode != Mode.ANALYSING) {
            abandonActivity();
            mode = Mode.ANALYSING;
            tracking = false;
            moduleMonitor.stop();
        }
    }

    private Cancellable afterDelay(Duration delay, Runnable task) {
        int scheduledIn = epoch;
        StallWatch.Timing timing = stalls.time(delay);
        return scheduler.schedule(
                delay,
                () -> {
                    if (scheduledIn == epoch) {
                        timing.overran();
                        task.run();
                    }
                });
    }

    /** Wraps a callback so that it is dropped if the activity was abandoned meanwhile. */
    private <T> Consumer<T> ifCurrent(Consumer<T> onResult) {
        int sentIn = epoch;
        return result -> {
            if (sentIn == epoch) {
                onResult.accept(result);
            }
        };
    }
}
