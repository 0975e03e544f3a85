package io.switchover.core.simulation;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Connection;
import io.switchover.core.port.Release;
import io.switchover.core.simulation.SimulatedNode.ModuleFault;
import io.switchover.core.state.CommandResult;
import io.switchover.core.state.Notice;
import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.core.testing.VirtualTime;
import io.switchover.core.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One seeded run of two cores joined by a {@link SimulatedNetwork}: a random configuration, a
 * random start, a random schedule of faults, then everything heals; invariants are checked on every
 * transition and at the end. The same seed replays the same run exactly.
 *
 * <p>Invariants:
 *
 * <ol>
 *   <li>Never two primaries of the same generation: no generation is ever promoted to by both
 *       nodes, and a primary's generation is durable before it acts.
 *   <li>An isolated backup never promotes: no automatic switchover by a node whose own network had
 *       been cut for longer than a diagnosis can take plus the stall threshold (older evidence
 *       would have been re-checked). Checked when the configuration can see isolation (NetTest or
 *       gateway ping).
 *   <li>A connected healthy pair never switches on its own: once settled, a pair that saw no fault
 *       and no command has no transition at all.
 *   <li>Once every fault heals, the pair settles within {@link #settleBound}: exactly one primary,
 *       the other node its backup (or FAILED, waiting for the operator), and stays so; after the
 *       operator rejoins a FAILED node, the pair is primary and backup again within the same bound.
 *   <li>Every transition has a reason with a non-empty detail.
 *   <li>No switchover from a healthy peer: no automatic switchover (nor fail-safe promotion at
 *       startup) by a node whose peer had been running, unfrozen, reachable and connected, with its
 *       module up, for longer than {@link #evidenceWindow}: no evidence that fresh can have failed.
 *       This is what the stall guard protects: a node that was itself frozen must not act on timers
 *       that ran out while it was.
 * </ol>
 */
final class PairSimulation implements SimulatedNode.Observer {

    static final Release RELEASE = Release.parse("2.4.0");
    static final Release NEWER = Release.parse("2.5.0");
    static final String NETTEST = "203.0.113.7";

    /** Kinds of scheduled events, with the weights they are drawn with. */
    enum Fault {
        PROCESS_CRASH(3),
        HOST_CRASH(2),
        HANG(3),
        SHORT_STALL(2),
        STALLED_DURING_OUTAGE(2),
        LINK_DOWN(3),
        FLAPPING_LINK(2),
        AUXILIARY_DOWN(1),
        PORT_BLOCKED(2),
        MODULE_DOWN(3),
        ISOLATION(3),
        NETTEST_DOWN(1),
        UPGRADE_RESTART(1),
        MANUAL_SWITCHOVER(3),
        REJOIN(1);

        final int weight;

        Fault(int weight) {
            this.weight = weight;
        }
    }

    /** One line of the trace: what the schedule did. */
    record Event(String what) {
        @Override
        public String toString() {
            return "** " + what;
        }
    }

    final long seed;
    final Profile profile;
    final VirtualTime time;
    final Trace trace;
    final SimulatedNode a;
    final SimulatedNode b;
    final SimulatedNetwork network;

    private final Random random;
    private final boolean faulty;
    private final boolean isolationVisible;
    private final Duration isolationWindow;
    private final Map<Long, SimulatedNode> promotedWith = new HashMap<>();
    private final Map<SimulatedNode, Long> isolatedSince = new HashMap<>();
    private final Map<SimulatedNode, Long> lastGeneration = new HashMap<>();

    /** Since when each node's peer has been continuously healthy as seen from it; absent if not. */
    private final Map<SimulatedNode, Long> peerHealthySince = new HashMap<>();

    private final Duration evidenceWindow;
    private boolean disturbed;
    private boolean quiet;
    private boolean healed;
    private int transitions;
    private long lastTransitionNanos;

    /** How long each settling took after healing (and after the rejoin), for calibration. */
    final List<Duration> settleTimes = new ArrayList<>();

    /**
     * What this run exercised: fault kinds injected, transition causes and notice kinds seen, by
     * name, so that a suite can check that its seeds still reach every corner.
     */
    final Map<String, Integer> exercised = new HashMap<>();

    PairSimulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        this.time = VirtualTime.withSeed(seed);
        this.trace = new Trace(time);
        this.profile = random.nextBoolean() ? Profile.DEFAULT : Profile.FAST;
        this.faulty = random.nextInt(10) != 0;
        int rankOfA = random.nextInt(2);
        CoreConfig shared = sharedConfig();
        CoreConfig configA = node(shared, "node-a", "10.0.0.2", rankOfA);
        CoreConfig configB = node(shared, "node-b", "10.0.0.1", 1 - rankOfA);
        boolean mismatch = random.nextInt(8) == 0;
        a = new SimulatedNode("node-a", "10.0.0.1", configA, RELEASE, time, this);
        b =
                new SimulatedNode(
                        "node-b", "10.0.0.2", configB, mismatch ? NEWER : RELEASE, time, this);
        Transport transport = profile.transport(random.nextInt(4) != 0);
        network = new SimulatedNetwork(time, random, transport, a, b);
        isolationVisible = shared.gatewayPingEnabled() || !shared.netTestAddresses().isEmpty();
        isolationWindow = longestDiagnosis(shared).plus(shared.stallThreshold());
        evidenceWindow = evidenceWindow(shared, transport);
        network.onConnectionChange(this::observeHealth);
        trace.add(
                "setup",
                new Event(
                        profile
                                + " profile, "
                                + (faulty ? "faults" : "healthy")
                                + ", ranks a="
                                + rankOfA
                                + " b="
                                + (1 - rankOfA)
                                + ", releases a="
                                + a.release()
                                + " b="
                                + b.release()
                                + ", "
                                + transport
                                + ", config "
                                + configA));
    }

    /** Runs the seed's scenario; throws an {@link AssertionError} with the trace on a violation. */
    static PairSimulation run(long seed) {
        PairSimulation simulation = new PairSimulation(seed);
        try {
            simulation.play();
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(simulation.report(e), e);
        }
        return simulation;
    }

    String report(Throwable failure) {
        return "seed "
                + seed
                + " failed: "
                + failure
                + System.lineSeparator()
                + "replay: mvn -B -ntp -pl switchover-core test"
                + " -Dtest='PairSimulationTest#replay*' -Dsimulation.seed="
                + seed
                + System.lineSeparator()
                + "trace:"
                + System.lineSeparator()
                + trace.render();
    }

    // ---- Configuration ----

    private CoreConfig sharedConfig() {
        CoreConfig.Builder b = profile.configure(CoreConfig.builder("node", "host"));
        if (random.nextInt(10) < 3) {
            b.pingRetryMax(random.nextInt(4));
        }
        if (random.nextInt(10) < 3) {
            b.moduleConfirmPings(random.nextInt(3));
        }
        switch (random.nextInt(5)) {
            case 0, 1 -> b.netTestAddresses(List.of(NETTEST));
            case 2 -> b.gatewayPingEnabled(true);
            case 3 -> b.gatewayPingEnabled(true).netTestAddresses(List.of(NETTEST));
            default -> {
                // Legacy: the primary's host decides the network status.
            }
        }
        if (random.nextInt(5) == 0) {
            b.unreachablePrimaryPingDelay(profile.scaled(Duration.ofSeconds(5)))
                    .unreachablePrimaryPingCount(random.nextInt(3));
        }
        if (random.nextInt(5) == 0) {
            b.reconnectAttempts(1 + random.nextInt(10));
        }
        if (random.nextInt(5) == 0) {
            b.reconnectInterval(profile.scaled(Duration.ofSeconds(20)));
        }
        return b.build();
    }

    private static CoreConfig node(CoreConfig shared, String id, String peerHost, int rank) {
        return shared.toBuilder().nodeId(id).peerHost(peerHost).tieBreakRank(rank).build();
    }

    /** The longest a diagnosis can take without a stall, as {@code NetworkDiagnosis} bounds it. */
    static Duration longestDiagnosis(CoreConfig c) {
        Duration sweep =
                c.gatewayPingEnabled()
                        ? c.gatewayPingTimeout()
                        : c.netTestTimeout().multipliedBy(c.netTestAddresses().size());
        return max(sweep, c.peerHostPingTimeout());
    }

    /**
     * The longest a pair may take to settle once every fault has healed, from the configuration and
     * the transport:
     *
     * <pre>
     * bound = transport backoff max                      the connections come back
     *       + ping.delay                                 a primary's next hello (two primaries meet)
     *       + max(handover.timeout,                      a controlled switchover under way ends
     *             backup finishing what it started)
     *       + 10 x latency
     *
     * backup finishing = ping.timeout                    the ping under way
     *                  + module.confirm-pings x (module.ping-timeout + module.retry-delay)
     *                  + 2 x diagnosis                   analysis, then a fresh one before promoting
     *                  + unreachable-primary.ping-delay + peer.host-ping-timeout   (if waiting)
     *                  + reconnect.attempt-delay + max(ping.timeout, module.ping-timeout)
     * </pre>
     *
     * where a diagnosis takes at most its deciding rule's sweep or the primary's host ping. Once
     * the connections are back, the next reconnect attempt succeeds, so no more than one attempt
     * counts.
     */
    static Duration settleBound(CoreConfig c, Transport t) {
        Duration diagnosis = longestDiagnosis(c);
        Duration waitForPrimary =
                c.waitsForUnreachablePrimary()
                        ? c.unreachablePrimaryPingDelay().plus(c.peerHostPingTimeout())
                        : Duration.ZERO;
        Duration backupFinishing =
                c.pingTimeout()
                        .plus(
                                c.modulePingTimeout()
                                        .plus(c.moduleRetryDelay())
                                        .multipliedBy(c.moduleConfirmPings()))
                        .plus(diagnosis.multipliedBy(2))
                        .plus(waitForPrimary)
                        .plus(c.reconnectAttemptDelay())
                        .plus(max(c.pingTimeout(), c.modulePingTimeout()));
        return t.backoffMax()
                .plus(c.pingDelay())
                .plus(max(c.handoverTimeout(), backupFinishing))
                .plus(t.latency().multipliedBy(10));
    }

    /**
     * How old the freshest evidence behind a switchover can be: the last reconnect attempt (sent
     * one attempt delay and one ping timeout before), the diagnoses after it, and the lateness the
     * stall guard tolerates. A peer healthy for longer than this gave no such evidence.
     */
    static Duration evidenceWindow(CoreConfig c, Transport t) {
        return c.stallThreshold()
                .plus(max(c.pingDelay(), c.reconnectAttemptDelay()))
                .plus(max(c.pingTimeout(), c.modulePingTimeout()))
                .plus(longestDiagnosis(c).multipliedBy(2))
                .plus(c.peerHostPingTimeout())
                .plus(t.latency().multipliedBy(10));
    }

    private static Duration max(Duration x, Duration y) {
        return x.compareTo(y) >= 0 ? x : y;
    }

    // ---- The scenario ----

    private Duration scaled(double seconds) {
        return profile.scaled(Duration.ofNanos((long) (seconds * 1e9)));
    }

    private void play() {
        CoreConfig config = a.config;
        Duration bound = settleBound(config, network.transport());
        boolean partitionedStart = faulty && random.nextInt(8) == 0;
        if (partitionedStart) {
            inject("both start during a partition", () -> network.linkCut = true, true);
            at(scaled(20 + random.nextInt(60)), () -> restoreLink("partition over"));
        }
        Duration offset =
                switch (random.nextInt(3)) {
                    case 0 -> Duration.ZERO;
                    case 1 -> Duration.ofMillis(random.nextInt(5));
                    default -> scaled(random.nextDouble() * 45);
                };
        trace.add(
                "setup", new Event("node-a starts now, node-b after " + Durations.format(offset)));
        a.start();
        observeHealth();
        at(offset, () -> restart(b));

        Duration faultPhase = scaled(30 + random.nextInt(570));
        if (faulty) {
            int events = 1 + random.nextInt(7);
            for (int i = 0; i < events; i++) {
                Duration when =
                        Duration.ofNanos((long) (random.nextDouble() * faultPhase.toNanos()));
                at(when, this::randomFault);
            }
        }
        time.advance(faultPhase.plus(offset));

        if (!faulty) {
            // The pair formed, went quiet (so any later transition would have failed the run),
            // and is still formed.
            if (!quiet || !settled(true)) {
                throw new AssertionError("the healthy pair did not settle: " + roles());
            }
            return;
        }
        heal();
        expectSettled(bound, false);
        if (rejoinFailed()) {
            expectSettled(bound, true);
        }
    }

    private void at(Duration delay, Runnable event) {
        time.schedule(
                delay,
                () -> {
                    if (!healed) {
                        event.run();
                        observeHealth();
                    }
                });
    }

    /** Whether {@code node}'s peer is up, unfrozen, reachable, connected, its module serving. */
    private boolean peerHealthy(SimulatedNode node) {
        SimulatedNode peer = network.other(node);
        return peer.running()
                && !peer.frozen()
                && peer.module == ModuleFault.NONE
                && !peer.portBlocked
                && !node.portBlocked
                && network.pathOk()
                && network.connected(Connection.MAIN);
    }

    private void observeHealth() {
        for (SimulatedNode node : List.of(a, b)) {
            if (!peerHealthy(node)) {
                peerHealthySince.remove(node);
            } else {
                peerHealthySince.putIfAbsent(node, time.nanos());
            }
        }
    }

    private void inject(String what, Runnable change, boolean disturbs) {
        if (disturbs) {
            disturbed = true;
            quiet = false;
        }
        trace.add("fault", new Event(what));
        change.run();
        observeHealth();
    }

    private void randomFault() {
        Fault fault = drawFault();
        exercised.merge("fault " + fault, 1, Integer::sum);
        SimulatedNode target = target(fault);
        Duration lasts =
                random.nextInt(5) == 0
                        ? Duration.ofDays(365)
                        : scaled(0.2 + Math.pow(random.nextDouble(), 2) * 150);
        String on =
                " on "
                        + target.id
                        + (lasts.toDays() > 0
                                ? " until healed"
                                : " for " + Durations.format(lasts));
        switch (fault) {
            case PROCESS_CRASH -> {
                inject("process crash" + on, target::crash, true);
                at(lasts, () -> restart(target));
            }
            case HOST_CRASH -> {
                inject(
                        "host crash" + on,
                        () -> {
                            target.hostUp = false;
                            target.crash();
                            network.changed(false);
                        },
                        true);
                at(
                        lasts,
                        () -> {
                            if (!target.hostUp) {
                                trace.add("fault", new Event("host of " + target.id + " back up"));
                                target.hostUp = true;
                                network.changed(false);
                                restart(target);
                            }
                        });
            }
            case HANG -> {
                inject("process hang" + on, target::freeze, true);
                at(lasts, () -> resume(target));
            }
            case SHORT_STALL -> {
                Duration stall =
                        Duration.ofNanos(
                                (long)
                                        (random.nextDouble()
                                                * 2
                                                * a.config.stallThreshold().toNanos()));
                inject(
                        "stall of " + Durations.format(stall) + " on " + target.id,
                        target::freeze,
                        true);
                at(stall, () -> resume(target));
            }
            case STALLED_DURING_OUTAGE -> {
                // What the stall guard is for: the primary hangs, the backup starts reconnecting,
                // then the backup's own process freezes; the primary recovers meanwhile, and the
                // backup's timers (reconnect interval, attempts) fire late when it resumes.
                SimulatedNode primary = target;
                SimulatedNode backup = network.other(primary);
                CoreConfig c = a.config;
                Duration detected =
                        c.pingDelay()
                                .plus(c.pingTimeout().multipliedBy(c.pingRetryMax() + 1))
                                .plus(longestDiagnosis(c))
                                .plus(c.reconnectAttemptDelay());
                Duration frozenFor = c.reconnectInterval().multipliedBy(1 + random.nextInt(3));
                inject(
                        "process hang on "
                                + primary.id
                                + ", then "
                                + backup.id
                                + " freezes after "
                                + Durations.format(detected)
                                + " for "
                                + Durations.format(frozenFor)
                                + " while "
                                + primary.id
                                + " recovers",
                        primary::freeze,
                        true);
                at(
                        detected,
                        () -> {
                            trace.add("fault", new Event(backup.id + " freezes"));
                            backup.freeze();
                        });
                at(detected.plus(c.pingTimeout()), () -> resume(primary));
                at(detected.plus(frozenFor), () -> resume(backup));
            }
            case LINK_DOWN -> {
                boolean reset = random.nextBoolean();
                inject(
                        "link down ("
                                + (reset ? "reported" : "silent")
                                + ")"
                                + on.replace(" on " + target.id, ""),
                        () -> {
                            network.linkCut = true;
                            network.changed(reset);
                        },
                        true);
                at(lasts, () -> restoreLink("link up"));
            }
            case FLAPPING_LINK -> {
                Duration period = scaled(5 + random.nextDouble() * 60);
                inject("flapping link for " + Durations.format(period), () -> {}, true);
                Duration t = Duration.ZERO;
                boolean down = true;
                while (t.compareTo(period) < 0) {
                    boolean cut = down;
                    boolean reset = random.nextBoolean();
                    at(
                            t,
                            () -> {
                                trace.add(
                                        "fault",
                                        new Event(cut ? "flap: link down" : "flap: link up"));
                                network.linkCut = cut;
                                network.changed(cut && reset);
                            });
                    t = t.plus(scaled(0.05 + random.nextDouble() * 4));
                    down = !down;
                }
                at(t, () -> restoreLink("flapping over: link up"));
            }
            case AUXILIARY_DOWN -> {
                boolean reset = random.nextBoolean();
                inject(
                        "auxiliary path down" + on.replace(" on " + target.id, ""),
                        () -> {
                            network.auxiliaryCut = true;
                            network.changed(reset);
                        },
                        true);
                at(
                        lasts,
                        () -> {
                            trace.add("fault", new Event("auxiliary path up"));
                            network.auxiliaryCut = false;
                            network.changed(false);
                        });
            }
            case PORT_BLOCKED -> {
                inject(
                        "notifier port blocked" + on,
                        () -> {
                            target.portBlocked = true;
                            network.changed(true);
                        },
                        true);
                at(
                        lasts,
                        () -> {
                            trace.add(
                                    "fault", new Event("notifier port of " + target.id + " open"));
                            target.portBlocked = false;
                            network.changed(false);
                        });
            }
            case MODULE_DOWN -> {
                ModuleFault how = random.nextBoolean() ? ModuleFault.HANG : ModuleFault.REJECT;
                inject("module " + how + on, () -> target.module = how, true);
                at(
                        lasts,
                        () -> {
                            trace.add("fault", new Event("module of " + target.id + " up"));
                            target.module = ModuleFault.NONE;
                        });
            }
            case ISOLATION -> {
                boolean reset = random.nextBoolean();
                inject(
                        "isolation (" + (reset ? "reported" : "silent") + ")" + on,
                        () -> {
                            if (!target.isolated) {
                                target.isolated = true;
                                isolatedSince.put(target, time.nanos());
                            }
                            network.changed(reset);
                        },
                        true);
                at(
                        lasts,
                        () -> {
                            trace.add("fault", new Event(target.id + " no longer isolated"));
                            target.isolated = false;
                            isolatedSince.remove(target);
                            network.changed(false);
                        });
            }
            case NETTEST_DOWN -> {
                // Half the time together with the primary's module, long enough for the backup
                // to signal it down: the figure-12 row "network not OK, primary reachable",
                // where the backup reconnects pinging the module until it answers again.
                SimulatedNode peer = network.other(target);
                boolean withModule = random.nextBoolean();
                CoreConfig c = a.config;
                Duration moduleDown =
                        c.modulePingInterval()
                                .plus(
                                        c.modulePingTimeout()
                                                .plus(c.moduleRetryDelay())
                                                .multipliedBy(2L * c.moduleMaxFailures() + 2))
                                .plus(
                                        c.reconnectAttemptDelay()
                                                .plus(c.modulePingTimeout())
                                                .multipliedBy(random.nextInt(4)));
                Duration netTestDown = withModule ? moduleDown.plus(lasts) : lasts;
                inject(
                        "NetTest and gateway unreachable on "
                                + target.id
                                + " for "
                                + Durations.format(netTestDown)
                                + (withModule
                                        ? ", module of "
                                                + peer.id
                                                + " HANG for "
                                                + Durations.format(moduleDown)
                                        : ""),
                        () -> {
                            target.netTestDown = true;
                            if (withModule) {
                                peer.module = ModuleFault.HANG;
                            }
                        },
                        true);
                if (withModule) {
                    at(
                            moduleDown,
                            () -> {
                                trace.add("fault", new Event("module of " + peer.id + " up"));
                                peer.module = ModuleFault.NONE;
                            });
                }
                at(
                        netTestDown,
                        () -> {
                            trace.add(
                                    "fault",
                                    new Event("NetTest and gateway of " + target.id + " back"));
                            target.netTestDown = false;
                        });
            }
            case UPGRADE_RESTART -> {
                Release other = target.release().sameAs(RELEASE) ? NEWER : RELEASE;
                inject("restart of " + target.id + " with release " + other, target::crash, true);
                at(
                        scaled(random.nextDouble() * 10),
                        () -> {
                            if (!target.running() && target.hostUp) {
                                trace.add("fault", new Event(target.id + " starts with " + other));
                                target.start(other);
                            }
                        });
            }
            case MANUAL_SWITCHOVER -> {
                disturbed = true;
                quiet = false;
                target.post(
                        machine -> {
                            CommandResult result = machine.manualSwitchover();
                            trace.add(target, "manual switchover: " + result);
                            if (result.detail().isBlank()) {
                                throw new AssertionError("a command result without a reason");
                            }
                        });
            }
            case REJOIN -> {
                disturbed = true;
                quiet = false;
                target.post(
                        machine -> {
                            if (machine.state() == State.FAILED) {
                                trace.add(target, "rejoin: " + machine.rejoin());
                            }
                        });
            }
        }
    }

    private Fault drawFault() {
        Fault[] all = Fault.values();
        int total = 0;
        for (Fault f : all) {
            total += weight(f);
        }
        int pick = random.nextInt(total);
        for (Fault f : all) {
            int w = weight(f);
            if (pick < w) {
                return f;
            }
            pick -= w;
        }
        throw new IllegalStateException();
    }

    /** Faults on the backup's own network checks are drawn only when it has such checks. */
    private int weight(Fault f) {
        boolean ownChecks = f == Fault.ISOLATION || f == Fault.NETTEST_DOWN;
        return isolationVisible || !ownChecks ? f.weight : 0;
    }

    /** Faults mostly hit the primary (isolation mostly the backup), the rest either node. */
    private SimulatedNode target(Fault fault) {
        SimulatedNode primary =
                a.state() == State.PRIMARY ? a : b.state() == State.PRIMARY ? b : null;
        if (primary != null && random.nextInt(10) < 6) {
            boolean backupSide = fault == Fault.ISOLATION || fault == Fault.NETTEST_DOWN;
            return backupSide ? network.other(primary) : primary;
        }
        return random.nextBoolean() ? a : b;
    }

    private void restart(SimulatedNode node) {
        if (!node.running() && node.hostUp) {
            trace.add("fault", new Event(node.id + " starts"));
            node.start();
        }
    }

    private void resume(SimulatedNode node) {
        if (node.frozen()) {
            trace.add("fault", new Event(node.id + " resumes"));
            node.resume();
        }
    }

    private void restoreLink(String what) {
        if (network.linkCut) {
            trace.add("fault", new Event(what));
            network.linkCut = false;
            network.changed(false);
        }
    }

    /** Every fault ends: hosts up, processes running and thawed, network whole, modules up. */
    private void heal() {
        healed = true;
        trace.add("heal", new Event("every fault heals"));
        network.linkCut = false;
        network.auxiliaryCut = false;
        for (SimulatedNode node : List.of(a, b)) {
            node.isolated = false;
            node.netTestDown = false;
            isolatedSince.remove(node);
            node.portBlocked = false;
            node.module = ModuleFault.NONE;
            node.hostUp = true;
        }
        network.changed(false);
        for (SimulatedNode node : List.of(a, b)) {
            if (node.frozen()) {
                node.resume();
            }
            if (!node.running()) {
                node.start();
            }
        }
        observeHealth();
    }

    /** The operator rejoins a FAILED node, if there is one. */
    private boolean rejoinFailed() {
        for (SimulatedNode node : List.of(a, b)) {
            if (node.state() == State.FAILED) {
                node.post(machine -> trace.add(node, "operator rejoin: " + machine.rejoin()));
                return true;
            }
        }
        return false;
    }

    // ---- Checks ----

    /**
     * Runs {@code bound}, then as long again: by then the pair must be settled, and must not have
     * changed since {@code bound} ran out. Transitions within the bound are fine (a thawed backup
     * working through what it missed, an analysis that started before the heal).
     */
    private void expectSettled(Duration bound, boolean rejoined) {
        long from = time.nanos();
        String phase = rejoined ? "after the rejoin" : "after healing";
        time.advance(bound);
        int before = transitions;
        time.advance(bound);
        Duration last = Duration.ofNanos(Math.max(0, lastTransitionNanos - from));
        if (!settled(rejoined) || transitions != before) {
            throw new AssertionError(
                    "not settled within "
                            + Durations.format(bound)
                            + " "
                            + phase
                            + " (last transition at +"
                            + Durations.format(last)
                            + "): "
                            + roles());
        }
        settleTimes.add(last);
        trace.add(
                "check",
                new Event("settled " + phase + " in " + Durations.format(last) + ": " + roles()));
    }

    /**
     * Exactly one primary, and the other node its backup (same generation) or, unless {@code
     * rejoined}, FAILED.
     */
    private boolean settled(boolean rejoined) {
        SimulatedNode primary =
                a.state() == State.PRIMARY ? a : b.state() == State.PRIMARY ? b : null;
        if (primary == null) {
            return false;
        }
        SimulatedNode other = network.other(primary);
        State role = other.state();
        if (role == State.FAILED) {
            return !rejoined;
        }
        boolean backup =
                role == State.BACKUP || role == State.UPGRADE_HIGHER || role == State.UPGRADE_LOWER;
        return backup
                && other.incarnation().machine.generation()
                        == primary.incarnation().machine.generation();
    }

    String roles() {
        return describe(a) + ", " + describe(b);
    }

    private static String describe(SimulatedNode node) {
        if (!node.running()) {
            return node.id + " down";
        }
        return node.id
                + " "
                + node.state()
                + "@"
                + node.incarnation().machine.generation()
                + (node.frozen() ? " (frozen)" : "");
    }

    @Override
    public void onTransition(SimulatedNode node, Transition t) {
        transitions++;
        lastTransitionNanos = time.nanos();
        exercised.merge(t.from() + "->" + t.to() + " " + t.reason().cause(), 1, Integer::sum);
        trace.add(node, t);
        if (t.reason().detail().isBlank()) {
            throw new AssertionError("a transition without a reason: " + t);
        }
        if (quiet) {
            throw new AssertionError(
                    "a connected healthy pair switched on its own: " + node.id + " " + t);
        }
        Long last = lastGeneration.put(node, t.generation());
        if (last != null && t.generation() < last) {
            throw new AssertionError(node.id + "'s generation went down: " + last + " -> " + t);
        }
        if (t.to() == State.PRIMARY) {
            checkPromotion(node, t);
        }
        if (!disturbed && settled(true)) {
            quiet = true;
        }
    }

    private void checkPromotion(SimulatedNode node, Transition t) {
        if (node.store.load() != t.generation()) {
            throw new AssertionError(
                    node.id
                            + " acts as primary with generation "
                            + t.generation()
                            + " but stored "
                            + node.store.load());
        }
        SimulatedNode before = promotedWith.putIfAbsent(t.generation(), node);
        if (before != null && before != node) {
            throw new AssertionError(
                    "two primaries of generation "
                            + t.generation()
                            + ": "
                            + before.id
                            + " and "
                            + node.id);
        }
        SimulatedNode other = network.other(node);
        if (other.state() == State.PRIMARY
                && other.incarnation().machine.generation() == t.generation()) {
            throw new AssertionError("both nodes primary with generation " + t.generation());
        }
        boolean unprompted =
                t.reason().cause().isAutomaticSwitchover()
                        || t.reason().cause() == Reason.Cause.PEER_NOT_CONTACTED;
        Long healthy = peerHealthySince.get(node);
        if (unprompted && healthy != null && time.nanos() - healthy > evidenceWindow.toNanos()) {
            throw new AssertionError(
                    node.id
                            + " switched over although its peer had been healthy and connected for "
                            + Durations.format(Duration.ofNanos(time.nanos() - healthy))
                            + " (evidence window "
                            + Durations.format(evidenceWindow)
                            + "): "
                            + t);
        }
        Long since = isolatedSince.get(node);
        if (isolationVisible
                && since != null
                && t.reason().cause().isAutomaticSwitchover()
                && time.nanos() - since >= isolationWindow.toNanos()) {
            throw new AssertionError(
                    "an isolated backup promoted: "
                            + node.id
                            + " isolated for "
                            + Durations.format(Duration.ofNanos(time.nanos() - since))
                            + " (window "
                            + Durations.format(isolationWindow)
                            + "): "
                            + t);
        }
    }

    @Override
    public void onNotice(SimulatedNode node, Notice notice) {
        exercised.merge("notice " + notice.kind(), 1, Integer::sum);
        trace.add(node, notice);
    }
}
