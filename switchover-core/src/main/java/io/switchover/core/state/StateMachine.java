package io.switchover.core.state;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.diagnosis.Diagnosis;
import io.switchover.core.diagnosis.Finding;
import io.switchover.core.diagnosis.NetworkDiagnosis;
import io.switchover.core.diagnosis.OwnNetworkWatch;
import io.switchover.core.diagnosis.Verdict;
import io.switchover.core.monitor.ModuleMonitorLiveness;
import io.switchover.core.monitor.PrimaryMonitor;
import io.switchover.core.monitor.Problem;
import io.switchover.core.port.Actions;
import io.switchover.core.port.Connection;
import io.switchover.core.port.GenerationStore;
import io.switchover.core.port.PeerLink;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.PeerMessage.Hello;
import io.switchover.core.port.PeerMessage.TookOver;
import io.switchover.core.port.Ports;
import io.switchover.core.port.Release;
import io.switchover.core.port.Replication;
import io.switchover.core.state.Reason.Cause;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Durations;
import io.switchover.core.time.LateAwareTimer;
import io.switchover.core.time.Scheduler;
import io.switchover.core.time.StallWatch;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One node's switchover brain: holds its {@link State}, decides every transition, records each with
 * its {@link Reason}, and runs the machinery of the current role (startup handshake, the backup's
 * monitors, reconnecting).
 *
 * <p>Threading contract: every public method, every port callback and every scheduled task must run
 * on one executor, one at a time. The daemon creates a single-threaded executor, implements {@link
 * Scheduler} on it, and posts every event (peer messages, connection changes, operator commands) to
 * it. The core never blocks, never reads the wall clock and starts no thread.
 *
 * <p>What it never does: I/O (ports do that), or decide where a problem is (the {@link
 * PrimaryMonitor} analyses and reports a {@link Verdict}; this class decides what to do about it).
 */
public final class StateMachine {

    private final CoreConfig config;
    private final Release release;
    private final Clock clock;
    private final Scheduler scheduler;
    private final PeerLink link;
    private final GenerationStore generations;
    private final Replication replication;
    private final Actions actions;
    private final CoreListener listener;
    private final PrimaryMonitor primaryMonitor;
    private final NetworkDiagnosis diagnosis;

    /**
     * The backup's running view of its own network, sampled while automatic switchover is armed.
     */
    private final OwnNetworkWatch ownNetwork;

    /** The operator forced the takeover this backup asked for (see manualSwitchover(boolean)). */
    private boolean forcedTakeover;

    /** The self-stall guard's memory, shared by everything that times something. */
    private final StallWatch stalls;

    private State state = State.STARTING;
    private String explanation = "not started";
    private Transition lastTransition;
    private long sequence;
    private long generation;
    private long peerGeneration;
    private boolean started;

    /** Why the peer cannot be paired with (same id, same rank); null while it seems fine. */
    private String peerMisconfiguration;

    private Cancellable startupTimer = Cancellable.DONE;
    private Cancellable helloTimer = Cancellable.DONE;
    private Cancellable pollTimer = Cancellable.DONE;
    private Cancellable announceTimer = Cancellable.DONE;
    private Reconnection reconnection;
    private Handover handover;

    /** The role the peer last announced; null until it announces one. */
    private State peerRole;

    /**
     * Set when this node promoted from a backup role and told its peer so: the announcement it sent
     * and when, so that the old primary's own announcement crossing it is not taken for a second
     * primary.
     */
    private TookOver announcedTakeover;

    private long announcedTakeoverAt;

    /**
     * @throws IllegalArgumentException if {@code config} is invalid (listing every problem)
     */
    public StateMachine(
            CoreConfig config,
            Release release,
            Clock clock,
            Scheduler scheduler,
            Ports ports,
            CoreListener listener) {
        this.config = config.requireValid();
        this.release = Objects.requireNonNull(release, "release");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.link = ports.peerLink();
        this.generations = ports.generationStore();
        this.replication = ports.replication();
        this.actions = ports.actions();
        this.listener = Objects.requireNonNull(listener, "listener");
        this.diagnosis = new NetworkDiagnosis(config, clock, link, ports.networkProbe());
        this.stalls = new StallWatch(clock, config.stallThreshold());
        this.ownNetwork = new OwnNetworkWatch(config, clock, scheduler, diagnosis);
        this.primaryMonitor =
                new PrimaryMonitor(
                        config, clock, scheduler, link, diagnosis, stalls, this::onProblemAnalysed);
    }

    // ---- Queries ----

    /**
     * The most recent network and connection diagnosis this node made (a backup diagnoses when a
     * ping or the module fails), for status displays; empty before the first.
     */
    public Optional<Diagnosis> lastDiagnosis() {
        return diagnosis.last();
    }

    public State state() {
        return state;
    }

    /** The generation in force: the last one this node promoted with or learnt from a primary. */
    public long generation() {
        return generation;
    }

    /**
     * Why the node is in its state, in words: the last transition's reason, or what qualified it
     * since (e.g. a promotion the isolation guard blocked).
     */
    public String explanation() {
        return explanation;
    }

    public Optional<Transition> lastTransition() {
        return Optional.ofNullable(lastTransition);
    }

    // ---- Events from the daemon ----

    /** Loads the generation and starts looking for the peer. Called once. */
    public void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        generation = generations.load();
        peerGeneration = generation;
        beginStartup();
    }

    /** A notifier connection changed state (the daemon's connected state already reflects it). */
    public void onConnectionChanged(Connection connection, boolean up) {
        if (up && (state == State.STARTING || state == State.PRIMARY)) {
            // Starting: the peer may answer now. Primary: a peer that became primary while the
            // link was down must learn about this node, or the split brain goes unnoticed.
            sendHello();
        }
    }

    /** A control message from the peer's core. */
    public void onPeerMessage(PeerMessage message) {
        if (!started || state == State.STOPPED) {
            return;
        }
        Optional<String> misconfigured = misconfiguration(message);
        if (misconfigured.isPresent()) {
            // Said once per misconfiguration, not on every hello of a peer that repeats them.
            if (!misconfigured.get().equals(peerMisconfiguration)) {
                peerMisconfiguration = misconfigured.get();
                notice(
                        Notice.Kind.PEER_MISCONFIGURED,
                        peerMisconfiguration + ", ignoring its messages");
            }
            return;
        }
        peerMisconfiguration = null;
        peerGeneration = Math.max(peerGeneration, message.generation());
        if (message instanceof Hello hello) {
            peerRole = hello.role();
            onHello(hello);
        } else if (message instanceof TookOver tookOver) {
            onTookOver(tookOver);
        } else if (message instanceof PeerMessage.HandoverRequest request) {
            onHandoverRequest(request);
        } else if (message instanceof PeerMessage.HandoverReady ready) {
            onHandoverReady(ready);
        } else if (message instanceof PeerMessage.HandoverAborted aborted) {
            if (handover != null) {
                handover.abortedByPeer(aborted.nodeId(), aborted.why());
            }
        }
    }

    /**
     * A peer this node cannot be paired with: without distinct ids and distinct tie-break ranks,
     * neither the tie-break nor the generations can tell the two nodes apart.
     */
    private Optional<String> misconfiguration(PeerMessage message) {
        if (message.nodeId().equals(config.nodeId())) {
            return Optional.of(
                    "the peer uses this node's id '"
                            + config.nodeId()
                            + "'; both nodes need a distinct node.id");
        }
        if (!TieBreak.distinct(config.tieBreakRank(), message.tieBreakRank())) {
            return Optional.of(
                    "the peer '"
                            + message.nodeId()
                            + "' also has tie-break rank "
                            + config.tieBreakRank()
                            + "; one node needs node.tie-break-rank 0 and the other 1");
        }
        return Optional.empty();
    }

    /**
     * Operator command: a controlled switchover, from either node. The primary stops accepting
     * writes and drains replication before the backup promotes, so nothing acknowledged is lost;
     * the old primary then becomes backup without a restart (or FAILED across releases, where this
     * is the only way to switch). Accepted means started: its end is a transition, or a {@link
     * Notice.Kind#HANDOVER_ABORTED} notice saying why not.
     */
    public CommandResult manualSwitchover() {
        return manualSwitchover(false);
    }

    /**
     * As {@link #manualSwitchover()}; with {@code force} on a backup, the "peer not in sync"
     * refusal is overridden: the operator accepts that what the backup has not replicated is lost.
     * The handover protocol still runs (the primary stops writes and drains what it can), and every
     * other refusal (no peer, a switchover in progress) stands.
     */
    public CommandResult manualSwitchover(boolean force) {
        forcedTakeover = force;
        Optional<String> refusal = manualSwitchoverRefusal();
        if (refusal.isPresent()) {
            return refuse(refusal.get());
        }
        if (state == State.PRIMARY) {
            handover = Handover.handOver(config, this, scheduler, link, replication);
            return CommandResult.accepted(
                    "handing over: writes stopped, draining replication to the backup");
        }
        handover = Handover.takeOver(config, this, scheduler, link, replication);
        return CommandResult.accepted("asked the primary to drain replication and hand over");
    }

    /**
     * Why a manual switchover cannot start now, if it cannot. RECONNECTING is allowed while a
     * connection to the peer exists (e.g. the module stopped answering and the isolation guard
     * holds the automatic switchover back): the backup promotes only once the primary confirmed
     * that it stopped writes and drained, so a primary that cannot be reached just lets the
     * handover time out.
     */
    private Optional<String> manualSwitchoverRefusal() {
        switch (state) {
            case STARTING, FAILED, STOPPED -> {
                return Optional.of("no peer: this node is " + state);
            }
            case PRIMARY, BACKUP, RECONNECTING, UPGRADE_HIGHER, UPGRADE_LOWER -> {}
        }
        if (handover != null) {
            return Optional.of("switchover already in progress");
        }
        if (!link.isConnected(Connection.MAIN) && !link.isConnected(Connection.AUXILIARY)) {
            return Optional.of("no peer: not connected to the peer");
        }
        if (state == State.PRIMARY && (peerRole == null || !peerRole.isBackup())) {
            return Optional.of(
                    "no peer: no backup has announced itself"
                            + (peerRole == null ? "" : " (the peer is " + peerRole + ")"));
        }
        if (state.automaticSwitchoverArmed() && !replication.isInSync() && !forcedTakeover) {
            return Optional.of(
                    "peer not in sync: this backup has not caught up with the primary"
                            + " (--force takes over anyway, losing what is not replicated)");
        }
        return Optional.empty();
    }

    /** Operator command: a FAILED node rejoins the pair by starting over. */
    public CommandResult rejoin() {
        if (state != State.FAILED) {
            return refuse("rejoin applies to a FAILED node; this node is " + state);
        }
        moveTo(State.STARTING, Reason.of(Cause.OPERATOR_REJOIN, "an operator asked to rejoin"));
        return CommandResult.accepted("rejoining: looking for the peer");
    }

    /** The daemon is shutting down: stop everything; outstanding pings complete as cancelled. */
    public void stop(String why) {
        if (state != State.STOPPED) {
            moveTo(State.STOPPED, Reason.of(Cause.SHUTDOWN, why));
        }
    }

    // ---- Startup ----

    private void beginStartup() {
        // What the peer said before (e.g. before this node failed and was rejoined) is stale.
        peerRole = null;
        explanation =
                "looking for the peer (startup window "
                        + Durations.format(config.startupWindow())
                        + ")";
        armStartupWindow(config.startupWindow());
        sendHelloWhileStarting();
    }

    private void sendHelloWhileStarting() {
        if (state == State.STARTING) {
            sendHello();
            StallWatch.Timing timing = stalls.time(config.pingDelay());
            helloTimer =
                    scheduler.schedule(
                            config.pingDelay(),
                            () -> {
                                timing.overran();
                                sendHelloWhileStarting();
                            });
        }
    }

    private void armStartupWindow(Duration window) {
        long armedNanos = clock.nanos();
        startupTimer =
                LateAwareTimer.schedule(
                        clock, scheduler, window, late -> onStartupWindowExpired(late, armedNanos));
    }

    private void onStartupWindowExpired(Duration late, long armedNanos) {
        if (state != State.STARTING) {
            return;
        }
        boolean timerLate = stalled(late);
        if (timerLate || stalls.noticedSince(armedNanos)) {
            notice(
                    Notice.Kind.STALL_DETECTED,
                    (timerLate
                                    ? "the startup window timer ran "
                                            + Durations.format(late)
                                            + " late"
                                    : "this process stalled during the startup window")
                            + "; asking the peer again before the fail-safe promotion");
            sendHello();
            armStartupWindow(config.pingTimeout());
            return;
        }
        if (peerMisconfiguration != null) {
            notice(
                    Notice.Kind.PEER_MISCONFIGURED,
                    "not promoting: a misconfigured peer answered (" + peerMisconfiguration + ")");
            armStartupWindow(config.startupWindow());
            return;
        }
        boolean connected =
                link.isConnected(Connection.MAIN) || link.isConnected(Connection.AUXILIARY);
        String detail =
                peerRole == State.PRIMARY
                        ? "the peer stayed primary with an older generation than this node's "
                                + generation
                                + " and did not step down within "
                        : connected
                                ? "connected to the peer, but it did not identify itself within "
                                : "could not contact the peer within ";
        Reason reason =
                Reason.of(
                        Cause.PEER_NOT_CONTACTED,
                        detail + Durations.format(config.startupWindow()));
        if (!promote(reason)) {
            armStartupWindow(config.startupWindow());
        }
    }

    // ---- Peer messages ----

    private void onHello(Hello hello) {
        switch (state) {
            case STARTING -> onHelloWhileStarting(hello);
            case PRIMARY -> onHelloWhilePrimary(hello);
            case BACKUP, RECONNECTING, UPGRADE_HIGHER, UPGRADE_LOWER -> onHelloWhileBackup(hello);
            case FAILED -> {
                if (hello.role() == State.STARTING) {
                    sendHello();
                }
            }
            case STOPPED -> {}
        }
    }

    private void onHelloWhileStarting(Hello hello) {
        switch (hello.role()) {
            case PRIMARY -> {
                if (hello.generation() < generation) {
                    // This node's history is newer: the peer missed a promotion while the two
                    // were apart and is a stale primary. Following it would overwrite what this
                    // node wrote since; it steps down on this node's hello instead.
                    explanation =
                            "the peer '"
                                    + hello.nodeId()
                                    + "' announces itself primary with generation "
                                    + hello.generation()
                                    + ", older than this node's "
                                    + generation
                                    + "; waiting for it to step down";
                    sendHello();
                } else {
                    becomeBackupOf(hello);
                }
            }
            case STARTING -> {
                boolean wins =
                        TieBreak.localFirst(
                                generation,
                                config.tieBreakRank(),
                                hello.generation(),
                                hello.tieBreakRank());
                String why =
                        "both nodes starting; "
                                + TieBreak.explain(
                                        generation,
                                        config.tieBreakRank(),
                                        hello.nodeId(),
                                        hello.generation(),
                                        hello.tieBreakRank());
                if (wins) {
                    if (!promote(Reason.of(Cause.TIE_BREAK_WON, why))) {
                        armStartupWindow(config.startupWindow());
                    }
                } else {
                    explanation =
                            why + "; lost, waiting for '" + hello.nodeId() + "' to be primary";
                }
            }
            default -> {
                String why =
                        "the peer '"
                                + hello.nodeId()
                                + "' answered as "
                                + hello.role()
                                + ": the pair has no primary";
                if (!promote(Reason.of(Cause.PEER_NOT_PRIMARY, why))) {
                    armStartupWindow(config.startupWindow());
                }
            }
        }
    }

    private void becomeBackupOf(Hello primary) {
        adoptGeneration(primary.generation());
        moveTo(backupRoleFor(primary.release()), backupReason(primary));
    }

    /** Same release: an armed backup. Otherwise an upgrade state, switched manually only. */
    private State backupRoleFor(Release primaryRelease) {
        int order = release.compareTo(primaryRelease);
        return order == 0 ? State.BACKUP : order > 0 ? State.UPGRADE_HIGHER : State.UPGRADE_LOWER;
    }

    private Reason backupReason(Hello primary) {
        return Reason.of(
                Cause.PEER_IS_PRIMARY,
                "the peer '"
                        + primary.nodeId()
                        + "' is primary, generation "
                        + primary.generation()
                        + ", release "
                        + primary.release()
                        + (release.sameAs(primary.release())
                                ? ""
                                : "; this node runs "
                                        + release
                                        + ": no automatic switchover, manual only"));
    }

    private void onHelloWhilePrimary(Hello hello) {
        switch (hello.role()) {
            case STARTING -> {
                if (hello.generation() > generation) {
                    supersededBy(hello);
                }
                sendHello();
            }
            case PRIMARY -> {
                if (crossedOurTakeover(hello)) {
                    // The old primary announced itself before our TookOver reached it: tell it
                    // again rather than record a split brain; it steps down on receipt.
                    link.send(announcedTakeover);
                } else {
                    contest(hello, Cause.SPLIT_BRAIN_LOST, "two primaries met");
                }
            }
            default -> {}
        }
    }

    /**
     * Whether {@code hello} is the replaced primary's announcement sent before our {@code TookOver}
     * reached it: an older generation, within one ping delay of our promotion (a round trip on a
     * working link). Later, two primaries meeting is a split brain as any other.
     */
    private boolean crossedOurTakeover(Hello hello) {
        return announcedTakeover != null
                && hello.generation() < generation
                && clock.nanos() - announcedTakeoverAt <= config.pingDelay().toNanos();
    }

    /**
     * A starting peer holds a newer generation than this primary: it was promoted while the two
     * were apart (this node hung or was cut off), served, and has now restarted. Its history is the
     * newer one, as when two primaries meet, so this node steps down and keeps aside what it wrote
     * meanwhile; the peer then becomes primary.
     */
    private void supersededBy(Hello starting) {
        String detail =
                "the peer '"
                        + starting.nodeId()
                        + "' is starting with generation "
                        + starting.generation()
                        + ", newer than this primary's "
                        + generation
                        + ": it took over while the two were apart; stepping down";
        replication.keepAsideDivergentWrites(generation, detail);
        moveTo(State.FAILED, Reason.of(Cause.SPLIT_BRAIN_LOST, detail));
    }

    private void onTookOver(TookOver tookOver) {
        if (state == State.PRIMARY
                && handover != null
                && handover.handingOver()
                && tookOver.reason().cause() == Cause.MANUAL_SWITCHOVER
                && tookOver.generation() > generation) {
            handover.completed();
            handover = null;
            adoptGeneration(tookOver.generation());
            boolean acrossReleases =
                    peerRole == State.UPGRADE_HIGHER || peerRole == State.UPGRADE_LOWER;
            moveTo(
                    acrossReleases ? State.FAILED : State.BACKUP,
                    Reason.of(
                            Cause.MANUAL_SWITCHOVER,
                            "handed over to '"
                                    + tookOver.nodeId()
                                    + "', generation "
                                    + tookOver.generation()
                                    + " (replication drained)"
                                    + (acrossReleases
                                            ? "; the releases differ, so this node rejoins after"
                                                    + " its upgrade"
                                            : "")));
            return;
        }
        if (state == State.PRIMARY) {
            contest(
                    tookOver,
                    Cause.PEER_TOOK_OVER,
                    "the peer announced it took over (" + tookOver.reason() + ")");
        }
    }

    /** Two primaries: the lower generation, or the tie-break's loser, steps down. */
    private void contest(PeerMessage peer, Cause causeIfLost, String what) {
        String detail =
                what
                        + ": '"
                        + peer.nodeId()
                        + "' generation "
                        + peer.generation()
                        + ", this node generation "
                        + generation;
        boolean keep =
                TieBreak.localFirst(
                        generation, config.tieBreakRank(), peer.generation(), peer.tieBreakRank());
        if (keep) {
            notice(Notice.Kind.SPLIT_BRAIN_WON, detail + "; this node stays primary");
            sendHello();
            return;
        }
        // The winner may not have heard this node as primary (its own announcement arrived here
        // first): one last announcement lets it record the split brain it won, too.
        sendHello();
        // Whatever this node accepted while the peer was also primary exists nowhere else.
        replication.keepAsideDivergentWrites(generation, detail);
        moveTo(State.FAILED, Reason.of(causeIfLost, detail + "; stepping down"));
    }

    private void onHelloWhileBackup(Hello hello) {
        switch (hello.role()) {
            case STARTING -> {
                if (state == State.RECONNECTING) {
                    returnToBackup(
                            Reason.of(
                                    Cause.RECONNECTED,
                                    "the peer '" + hello.nodeId() + "' is back and starting"));
                }
                sendHello();
            }
            case PRIMARY -> {
                boolean newIncarnation = hello.generation() > generation;
                adoptGeneration(hello.generation());
                State role = backupRoleFor(hello.release());
                if (state == State.RECONNECTING) {
                    if (!newIncarnation) {
                        // The primary's routine announcement proves its daemon runs, not that its
                        // notifier answers pings or that the module does: the reconnect attempts
                        // find that out.
                        return;
                    }
                    // A new primacy (the primary restarted, or was replaced): entering BACKUP
                    // requests the re-synchronisation.
                    returnToBackup(
                            Reason.of(
                                    Cause.RECONNECTED,
                                    "the peer '"
                                            + hello.nodeId()
                                            + "' announced itself primary with a new generation, "
                                            + hello.generation()));
                } else if (newIncarnation && state == State.BACKUP && role == State.BACKUP) {
                    replication.resynchronise(
                            "the primary came back with generation " + hello.generation());
                }
                if (role != state) {
                    // The primary restarted with another release (or caught up with this one).
                    moveTo(role, backupReason(hello));
                }
            }
            default -> {}
        }
    }

    // ---- Manual switchover ----

    private void onHandoverRequest(PeerMessage.HandoverRequest request) {
        if (state != State.PRIMARY) {
            sendHandoverAborted("'" + config.nodeId() + "' is not primary but " + state);
        } else if (handover == null) {
            handover = Handover.handOver(config, this, scheduler, link, replication);
        }
        // A request while already handing over is the same switchover: nothing more to do.
    }

    private void onHandoverReady(PeerMessage.HandoverReady ready) {
        boolean askedHere = handover != null && !handover.handingOver();
        if (!state.isBackup()) {
            sendHandoverAborted("'" + config.nodeId() + "' cannot take over from " + state);
            return;
        }
        if (state.automaticSwitchoverArmed()
                && !replication.isInSync()
                && !(askedHere && forcedTakeover)) {
            String why = "peer not in sync: the backup '" + config.nodeId() + "' has not caught up";
            if (handover != null) {
                handover.abort(why);
            } else {
                sendHandoverAborted(why);
            }
            return;
        }
        if (handover != null) {
            handover.completed();
            handover = null;
        }
        String detail =
                (askedHere
                                ? "requested on this node"
                                : "requested on the primary '" + ready.nodeId() + "'")
                        + "; the primary stopped writes and drained replication";
        if (!promote(Reason.of(Cause.MANUAL_SWITCHOVER, detail))) {
            sendHandoverAborted("'" + config.nodeId() + "' could not store its new generation");
        }
    }

    private void sendHandoverAborted(String why) {
        link.send(
                new PeerMessage.HandoverAborted(
                        config.nodeId(), config.tieBreakRank(), generation, why));
    }

    /** Called by the handover when it ends without a switchover. */
    void handoverEnded(Handover ended, String detail) {
        if (handover == ended) {
            handover = null;
        }
        notice(Notice.Kind.HANDOVER_ABORTED, detail);
    }

    // ---- Backup: analysed problems ----

    private void onProblemAnalysed(Problem problem, Verdict verdict) {
        if (state != State.BACKUP) {
            return;
        }
        if (verdict.finding() == Finding.MODULE_UP) {
            notice(Notice.Kind.NO_ERROR_FOUND, problem.describe() + "; " + verdict);
            primaryMonitor.start();
            return;
        }
        Cause cause =
                problem instanceof Problem.NotifierUnresponsive
                        ? Cause.NOTIFIER_PING_FAILED
                        : Cause.MODULE_PING_FAILED;
        moveTo(State.RECONNECTING, Reason.of(cause, problem.describe() + "; " + verdict));
        reconnection =
                new Reconnection(
                        config,
                        clock,
                        scheduler,
                        primaryMonitor,
                        this,
                        stalls,
                        ownNetwork,
                        cause == Cause.MODULE_PING_FAILED);
        reconnection.act(verdict);
    }

    private void armModuleMonitorPoll() {
        pollTimer.cancel();
        pollTimer =
                scheduler.schedule(
                        config.moduleMonitorPollInterval(),
                        () -> {
                            if (!state.automaticSwitchoverArmed()) {
                                return;
                            }
                            ModuleMonitorLiveness liveness = primaryMonitor.pollModuleMonitor();
                            if (liveness.restartRequested()) {
                                notice(
                                        Notice.Kind.MODULE_MONITOR_RESTARTED,
                                        "no module monitor event for "
                                                + Durations.format(liveness.sinceLastEvent())
                                                + " (max "
                                                + Durations.format(liveness.maxGap())
                                                + "); restart requested");
                            }
                            armModuleMonitorPoll();
                        });
    }

    // ---- Called by Reconnection ----

    void returnToBackup(Reason reason) {
        if (state == State.RECONNECTING) {
            moveTo(State.BACKUP, reason);
        }
    }

    /** Promotes from RECONNECTING; false if that was not possible (the caller keeps trying). */
    boolean promoteFromReconnecting(Reason reason) {
        return state == State.RECONNECTING && promote(reason);
    }

    /** Records something that qualifies the current state without changing it. */
    void qualify(Notice.Kind kind, String detail) {
        explain(detail);
        notice(kind, detail);
    }

    /** Updates the explanation of the current state, without a notice. */
    void explain(String detail) {
        explanation = state + ": " + detail;
    }

    void notice(Notice.Kind kind, String detail) {
        listener.onNotice(new Notice(kind, detail, clock.nanos()));
    }

    /** Whether a timer that ran {@code late} reveals a stall of this process (then remembered). */
    boolean stalled(Duration late) {
        return stalls.late(late);
    }

    // ---- Transitions ----

    /**
     * Stores the next generation of this node's class ({@link Generations}), then becomes primary.
     * The generation is durable before this node acts as primary; if it cannot be stored, the node
     * does not promote.
     */
    private boolean promote(Reason reason) {
        long next = Generations.next(config.tieBreakRank(), generation, peerGeneration);
        if (!stored(next, Notice.Kind.PROMOTION_FAILED, "not acting as primary for " + reason)) {
            return false;
        }
        State from = state;
        generation = next;
        moveTo(State.PRIMARY, reason);
        announcedTakeover = null;
        if (from.isBackup()) {
            announcedTakeover =
                    new TookOver(config.nodeId(), config.tieBreakRank(), generation, reason);
            announcedTakeoverAt = clock.nanos();
            link.send(announcedTakeover);
        }
        sendHello();
        return true;
    }

    /** A backup takes on its primary's generation, so that its own promotion goes above it. */
    private void adoptGeneration(long primaryGeneration) {
        if (primaryGeneration > generation) {
            generation = primaryGeneration;
            stored(primaryGeneration, Notice.Kind.GENERATION_NOT_STORED, "kept in memory");
        }
    }

    /** Stores {@code next} durably; if that fails, says so and what follows, and returns false. */
    private boolean stored(long next, Notice.Kind kindIfFailed, String consequence) {
        try {
            generations.store(next);
            return true;
        } catch (RuntimeException e) {
            notice(
                    kindIfFailed,
                    "could not store generation "
                            + next
                            + " ("
                            + e.getMessage()
                            + "); "
                            + consequence);
            return false;
        }
    }

    private void moveTo(State to, Reason reason) {
        State from = state;
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException(
                    "no transition " + from + " -> " + to + " in the table (" + reason + ")");
        }
        leave(from, to);
        state = to;
        explanation = reason.toString();
        Transition transition =
                new Transition(++sequence, from, to, reason, generation, clock.nanos());
        lastTransition = transition;
        actions.roleLeft(transition);
        actions.roleEntered(transition);
        listener.onTransition(transition);
        enter(to, reason);
    }

    private void leave(State from, State to) {
        boolean stillBackup = from.automaticSwitchoverArmed() && to.automaticSwitchoverArmed();
        if (handover != null && !stillBackup) {
            // Between BACKUP and RECONNECTING this node can still take over when the primary
            // is ready; any other change of role ends its side of the handover.
            Handover abandoned = handover;
            handover = null;
            abandoned.abandon("'" + config.nodeId() + "' moved from " + from + " to " + to);
        }
        if (from == State.STARTING) {
            startupTimer.cancel();
            helloTimer.cancel();
        }
        if (from == State.PRIMARY) {
            announceTimer.cancel();
        }
        if (from == State.RECONNECTING && reconnection != null) {
            reconnection.close();
            reconnection = null;
        }
        if (!to.automaticSwitchoverArmed()) {
            pollTimer.cancel();
            primaryMonitor.stop();
            ownNetwork.stop();
        }
    }

    private void enter(State to, Reason reason) {
        switch (to) {
            case BACKUP -> {
                replication.resynchronise(reason.toString());
                primaryMonitor.start();
                ownNetwork.start();
                armModuleMonitorPoll();
                // The primary needs to know it has a backup before it can hand over to it.
                sendHello();
            }
            case RECONNECTING -> primaryMonitor.suspend();
            case UPGRADE_HIGHER, UPGRADE_LOWER -> sendHello();
            case STARTING -> beginStartup();
            case PRIMARY -> announceWhilePrimary();
            case FAILED, STOPPED -> {
                // Nothing runs in these roles inside the core; leave() stopped the monitors.
            }
        }
    }

    /**
     * A primary announces itself every {@code pingDelay}. Connection events are not enough: after a
     * silent partition (no reset, connections never reported down) a backup that took over and the
     * old primary would otherwise never learn of each other, and the split brain would last. A
     * primary that handed over and waits for the backup's {@code TookOver} stays silent.
     */
    private void announceWhilePrimary() {
        announceTimer =
                scheduler.schedule(
                        config.pingDelay(),
                        () -> {
                            if (state == State.PRIMARY) {
                                if (handover == null || !handover.awaitingTakeOver()) {
                                    sendHello();
                                }
                                announceWhilePrimary();
                            }
                        });
    }

    private void sendHello() {
        link.send(new Hello(config.nodeId(), config.tieBreakRank(), state, release, generation));
    }

    private CommandResult refuse(String reason) {
        notice(Notice.Kind.COMMAND_REFUSED, reason);
        return CommandResult.refused(reason);
    }
}
