package io.switchover.core.state;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.diagnosis.Diagnosis;
import io.switchover.core.diagnosis.OwnNetworkWatch;
import io.switchover.core.diagnosis.Verdict;
import io.switchover.core.monitor.PrimaryMonitor;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.state.Reason.Cause;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Durations;
import io.switchover.core.time.LateAwareTimer;
import io.switchover.core.time.Scheduler;
import io.switchover.core.time.StallWatch;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The machinery of one stay in {@link State#RECONNECTING}: reconnect attempts, the reconnect
 * interval, the wait for an unreachable primary, and the isolation guard. It decides when the
 * backup returns to {@link State#BACKUP} and when it switches over; the state machine carries out
 * the transition.
 *
 * <p>The four switchover conditions, each checked here and nowhere else: the maximum number of
 * reconnect attempts made, the module determined down, the primary determined unreachable (after
 * the optional wait), the reconnect interval expired. Every one of them first passes the isolation
 * guard: a backup whose own network status isolates it never promotes; it says so in its
 * explanation and keeps trying. Conditions that rest on elapsed time (attempts, interval, wait) are
 * backed by a fresh diagnosis at the moment of promotion, never by an old one. The guard also holds
 * while the backup's own network is not yet settled ({@link OwnNetworkWatch}): one good diagnosis
 * in the middle of a flapping link is not enough, the own network must have stayed good for the
 * span of the evidence against the primary.
 *
 * <p>The stall guard: time this process spent not running is no evidence against the peer. An
 * attempt or a ping of the primary's host that timed out during a stall of this process is not
 * counted and is repeated at once; an interval that saw a stall (its timer late, or any other
 * evidence in the {@link StallWatch}) re-checks the notifier once before switching over; a
 * diagnosis that spanned a stall is redone.
 *
 * <p>A fresh instance per stay; {@link #close} makes every late callback a no-op.
 */
final class Reconnection {

    private final CoreConfig config;
    private final Clock clock;
    private final Scheduler scheduler;
    private final PrimaryMonitor monitor;
    private final StateMachine machine;
    private final StallWatch stalls;
    private final OwnNetworkWatch ownNetwork;

    /** Entered because the module stopped answering: attempts then ping the module itself. */
    private final boolean moduleTriggered;

    private boolean closed;
    private int attempts;
    private boolean waitingForPrimary;
    private int primaryPings;
    private String lastBlock = "";
    private long intervalStartedNanos;
    private long attemptSentNanos;

    private Cancellable deadline = Cancellable.DONE;
    private Cancellable step = Cancellable.DONE;
    private Cancellable check = Cancellable.DONE;

    Reconnection(
            CoreConfig config,
            Clock clock,
            Scheduler scheduler,
            PrimaryMonitor monitor,
            StateMachine machine,
            StallWatch stalls,
            OwnNetworkWatch ownNetwork,
            boolean moduleTriggered) {
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        this.monitor = monitor;
        this.machine = machine;
        this.stalls = stalls;
        this.ownNetwork = ownNetwork;
        this.moduleTriggered = moduleTriggered;
        armInterval();
    }

    /** Acts on the verdict that brought the backup here. */
    void act(Verdict verdict) {
        if (closed) {
            return;
        }
        ownNetwork.observed(verdict.diagnosis().network());
        switch (verdict.finding()) {
            case MODULE_UP ->
                    machine.returnToBackup(Reason.of(Cause.MODULE_RESPONDING, verdict.toString()));
            case MODULE_DOWN ->
                    promote(Reason.of(Cause.MODULE_DOWN, verdict.toString()), verdict.diagnosis());
            case PRIMARY_UNREACHABLE -> onPrimaryUnreachable(verdict);
            case REMOTE_NOTIFIER_DOWN -> scheduleAttempt();
        }
    }

    void close() {
        closed = true;
        deadline.cancel();
        step.cancel();
        check.cancel();
    }

    // ---- Reconnect attempts ----

    private void scheduleAttempt() {
        step = scheduler.schedule(config.reconnectAttemptDelay(), this::attempt);
    }

    /**
     * One attempt: a notifier ping, or a module ping when the module is what stopped answering (it
     * travels through the notifier, so its answer proves both are back).
     */
    private void attempt() {
        if (closed) {
            return;
        }
        Consumer<PingOutcome> onOutcome =
                outcome -> {
                    if (!closed) {
                        onAttemptOutcome(outcome);
                    }
                };
        attemptSentNanos = clock.nanos();
        check = moduleTriggered ? monitor.checkModule(onOutcome) : monitor.checkNotifier(onOutcome);
    }

    private void onAttemptOutcome(PingOutcome outcome) {
        switch (outcome.kind()) {
            case SUCCESS ->
                    machine.returnToBackup(
                            moduleTriggered
                                    ? Reason.of(
                                            Cause.MODULE_RESPONDING,
                                            "the module answered reconnect attempt "
                                                    + (attempts + 1))
                                    : Reason.of(
                                            Cause.RECONNECTED,
                                            "the notifier answered reconnect attempt "
                                                    + (attempts + 1)));
            case CANCELLED -> {}
            case TIMEOUT, REJECTED, CONNECTION_LOSS -> {
                if (outcome.kind() == PingOutcome.Kind.TIMEOUT
                        && stalls.noticedSince(attemptSentNanos)) {
                    machine.notice(
                            Notice.Kind.STALL_DETECTED,
                            "reconnect attempt "
                                    + (attempts + 1)
                                    + " timed out while this process stalled; not counted,"
                                    + " trying again");
                    attempt();
                    return;
                }
                attempts++;
                if (attempts >= config.reconnectAttempts()) {
                    promoteAfterFreshDiagnosis(
                            Reason.of(
                                    Cause.RECONNECT_ATTEMPTS_EXHAUSTED,
                                    attempts
                                            + " reconnect attempts failed, every "
                                            + Durations.format(config.reconnectAttemptDelay())
                                            + "; last "
                                            + outcome.describe()));
                } else {
                    scheduleAttempt();
                }
            }
        }
    }

    // ---- The reconnect interval ----

    private void armInterval() {
        intervalStartedNanos = clock.nanos();
        deadline =
                LateAwareTimer.schedule(
                        clock, scheduler, config.reconnectInterval(), this::onIntervalExpired);
    }

    private void onIntervalExpired(Duration late) {
        if (closed || waitingForPrimary) {
            // The operator asked to wait for an unreachable primary; the interval restarts when
            // the wait ends.
            return;
        }
        Reason reason =
                Reason.of(
                        Cause.RECONNECT_INTERVAL_EXPIRED,
                        "no contact with the primary for "
                                + Durations.format(config.reconnectInterval())
                                + " ("
                                + attempts
                                + " reconnect attempts failed)");
        boolean timerLate = machine.stalled(late);
        if (timerLate || stalls.noticedSince(intervalStartedNanos)) {
            // The interval may have run out during this process's own stall: ask the notifier
            // once more before concluding anything about the peer. The timer itself may be
            // nearly on time when the stall ended just before it was due.
            machine.notice(
                    Notice.Kind.STALL_DETECTED,
                    (timerLate
                                    ? "the reconnect interval timer ran "
                                            + Durations.format(late)
                                            + " late"
                                    : "this process stalled during the reconnect interval")
                            + "; re-checking the notifier before switching over");
            step.cancel();
            check.cancel();
            check =
                    monitor.checkNotifier(
                            outcome -> {
                                if (closed) {
                                    return;
                                }
                                if (outcome.succeeded()) {
                                    machine.returnToBackup(
                                            Reason.of(
                                                    Cause.RECONNECTED,
                                                    "the notifier answered the re-check after a"
                                                            + " stall of this process"));
                                } else if (outcome.kind() != PingOutcome.Kind.CANCELLED) {
                                    promoteAfterFreshDiagnosis(reason);
                                }
                            });
            return;
        }
        promoteAfterFreshDiagnosis(reason);
    }

    // ---- Unreachable primary ----

    private void onPrimaryUnreachable(Verdict verdict) {
        Reason reason = Reason.of(Cause.PRIMARY_UNREACHABLE, verdict.toString());
        if (!config.waitsForUnreachablePrimary()) {
            promote(reason, verdict.diagnosis());
            return;
        }
        waitingForPrimary = true;
        primaryPings = 0;
        machine.qualify(
                Notice.Kind.WAITING_FOR_PRIMARY,
                "the primary's host is unreachable; pinging it every "
                        + Durations.format(config.unreachablePrimaryPingDelay())
                        + (config.unreachablePrimaryPingCount() == 0
                                ? " until it answers"
                                : ", up to " + config.unreachablePrimaryPingCount() + " times")
                        + " before switching over");
        step = scheduler.schedule(config.unreachablePrimaryPingDelay(), this::pingPrimary);
    }

    private void pingPrimary() {
        if (closed) {
            return;
        }
        StallWatch.Timing timing = stalls.time(config.peerHostPingTimeout());
        check =
                monitor.pingPrimaryHost(
                        reachability -> {
                            if (closed) {
                                return;
                            }
                            if (!reachability.known()
                                    || (timing.overran() && !reachability.reachable())) {
                                // The probe never ran, or went unanswered while this process
                                // stalled: no evidence about the host, not counted.
                                pingPrimary();
                                return;
                            }
                            primaryPings++;
                            if (reachability.reachable()) {
                                stopWaitingForPrimary();
                            } else if (config.unreachablePrimaryPingCount() > 0
                                    && primaryPings >= config.unreachablePrimaryPingCount()) {
                                waitingForPrimary = false;
                                promoteAfterFreshDiagnosis(
                                        Reason.of(
                                                Cause.PRIMARY_UNREACHABLE,
                                                "the primary's host did not answer "
                                                        + primaryPings
                                                        + " pings, every "
                                                        + Durations.format(
                                                                config
                                                                        .unreachablePrimaryPingDelay())));
                            } else {
                                step =
                                        scheduler.schedule(
                                                config.unreachablePrimaryPingDelay(),
                                                this::pingPrimary);
                            }
                        });
    }

    private void stopWaitingForPrimary() {
        waitingForPrimary = false;
        machine.qualify(
                Notice.Kind.WAITING_FOR_PRIMARY,
                "the primary's host answers again after "
                        + primaryPings
                        + " ping(s); reconnecting to its notifier");
        deadline.cancel();
        armInterval();
        attempts = 0;
        scheduleAttempt();
    }

    // ---- Promotion and the isolation guard ----

    private void promoteAfterFreshDiagnosis(Reason reason) {
        step.cancel();
        check.cancel();
        check =
                monitor.diagnose(
                        diagnosis -> {
                            if (!closed) {
                                // The reason says what the check behind the promotion found.
                                promote(
                                        Reason.of(
                                                reason.cause(),
                                                reason.detail() + "; then " + diagnosis.summary()),
                                        diagnosis);
                            }
                        });
    }

    private void promote(Reason reason, Diagnosis diagnosis) {
        if (stalls.overran(diagnosis.took(), diagnosis.couldTake())) {
            machine.notice(
                    Notice.Kind.STALL_DETECTED,
                    "the diagnosis took "
                            + Durations.format(diagnosis.took())
                            + " (at most "
                            + Durations.format(diagnosis.couldTake())
                            + " without a stall of this process); diagnosing again before"
                            + " switching over ("
                            + reason.cause()
                            + ")");
            promoteAfterFreshDiagnosis(reason);
            return;
        }
        ownNetwork.observed(diagnosis.network());
        if (diagnosis.network().isolatesBackup()) {
            block(
                    reason.cause() + "/" + diagnosis.network(),
                    "not switching over ("
                            + reason.cause()
                            + ") while this backup's own network status is "
                            + diagnosis.network()
                            + " ("
                            + String.join("; ", diagnosis.checks())
                            + "); still trying to reconnect");
            return;
        }
        Optional<String> unsettled = ownNetwork.unsettled();
        if (unsettled.isPresent()) {
            block(
                    reason.cause() + "/unsettled",
                    "not switching over ("
                            + reason.cause()
                            + ") although the network looks good now ("
                            + diagnosis.summary()
                            + "): "
                            + unsettled.get()
                            + "; still trying to reconnect");
            return;
        }
        Reason promotion =
                ownNetwork
                        .describe()
                        .map(own -> Reason.of(reason.cause(), reason.detail() + "; " + own))
                        .orElse(reason);
        if (!machine.promoteFromReconnecting(promotion)) {
            keepTrying();
        }
    }

    /** The isolation guard holds: say why (once per cause and status), then keep trying. */
    private void block(String key, String detail) {
        // Log the block once per cause and status, not on every retry of a long outage.
        if (key.equals(lastBlock)) {
            machine.explain(detail);
        } else {
            lastBlock = key;
            machine.qualify(Notice.Kind.PROMOTION_BLOCKED, detail);
        }
        keepTrying();
    }

    /** Starts the attempts and the interval over, as if the backup had just begun reconnecting. */
    private void keepTrying() {
        if (closed) {
            return;
        }
        attempts = 0;
        deadline.cancel();
        armInterval();
        scheduleAttempt();
    }
}
