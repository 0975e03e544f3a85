package io.switchover.core.simulation;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Actions;
import io.switchover.core.port.Connection;
import io.switchover.core.port.NetworkProbe;
import io.switchover.core.port.PeerLink;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.port.Ports;
import io.switchover.core.port.Reachability;
import io.switchover.core.port.Release;
import io.switchover.core.state.CoreListener;
import io.switchover.core.state.Notice;
import io.switchover.core.state.State;
import io.switchover.core.state.StateMachine;
import io.switchover.core.state.Transition;
import io.switchover.core.testing.InMemoryGenerationStore;
import io.switchover.core.testing.RecordingPorts.RecordingReplication;
import io.switchover.core.testing.VirtualTime;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One server of the simulated pair: its host, the daemon process that runs one core on a single
 * executor, and the durable generation store that outlives the process.
 *
 * <p>A crash ends the process's incarnation: nothing it scheduled runs any more. A freeze (SIGSTOP,
 * a paused VM) holds every task of the process that falls due, timers and incoming events alike,
 * and runs them late and in order on resume, while the clock kept going: exactly the situation the
 * core's stall guard is for. The host's kernel keeps answering ICMP while the process is frozen or
 * dead.
 */
final class SimulatedNode {

    /** What the simulation watches: every transition and notice, with the node it came from. */
    interface Observer {
        void onTransition(SimulatedNode node, Transition transition);

        void onNotice(SimulatedNode node, Notice notice);
    }

    /** How the monitored module on this host fails, if it does. */
    enum ModuleFault {
        NONE,
        /** The module does not answer: the ping times out. */
        HANG,
        /** The module answers "not serving". */
        REJECT
    }

    static final String GATEWAY = "192.168.0.254";

    final String id;
    final String host;
    final CoreConfig config;
    final InMemoryGenerationStore store;
    private final VirtualTime time;
    private final Observer observer;
    private SimulatedNetwork network;
    private Release release;

    private Incarnation incarnation;
    private boolean frozen;
    private List<Job> held = new ArrayList<>();

    boolean hostUp = true;
    boolean isolated;

    /** This host's NetTest address and gateway stop answering; the peer is still reachable. */
    boolean netTestDown;

    boolean portBlocked;
    ModuleFault module = ModuleFault.NONE;

    SimulatedNode(
            String id,
            String host,
            CoreConfig config,
            Release release,
            VirtualTime time,
            Observer observer) {
        this.id = id;
        this.host = host;
        this.config = config;
        this.release = release;
        this.time = time;
        this.observer = observer;
        this.store = new InMemoryGenerationStore(0);
    }

    void attach(SimulatedNetwork network) {
        this.network = network;
    }

    // ---- The process ----

    /** Starts a new process (a first start or a restart after a crash) with {@code release}. */
    void start(Release withRelease) {
        if (incarnation != null) {
            throw new IllegalStateException(id + " is already running");
        }
        if (!hostUp) {
            throw new IllegalStateException(id + "'s host is down");
        }
        release = withRelease;
        incarnation = new Incarnation();
        network.processStarted(this);
        Incarnation started = incarnation;
        started.schedule(Duration.ZERO, started.machine::start);
    }

    void start() {
        start(release);
    }

    /** The process dies; {@code network} learns whether the peer sees a reset. */
    void crash() {
        if (incarnation == null) {
            return;
        }
        incarnation.dead = true;
        incarnation = null;
        frozen = false;
        held = new ArrayList<>();
        network.processDied(this);
    }

    void freeze() {
        if (incarnation != null && !frozen) {
            frozen = true;
            network.changed(false);
        }
    }

    /** Thaws the process: every task held meanwhile runs now, late, in the order it fell due. */
    void resume() {
        if (!frozen) {
            return;
        }
        frozen = false;
        List<Job> late = held;
        held = new ArrayList<>();
        for (Job job : late) {
            time.schedule(Duration.ZERO, () -> run(job));
        }
        network.changed(false);
    }

    boolean running() {
        return incarnation != null;
    }

    boolean frozen() {
        return frozen;
    }

    Release release() {
        return release;
    }

    /** The current process, or null while it is down. */
    Incarnation incarnation() {
        return incarnation;
    }

    /** The core's state, or null while the process is down. */
    State state() {
        return incarnation == null ? null : incarnation.machine.state();
    }

    /** Runs {@code task} on the process's executor, as the daemon posts events to the core. */
    void post(Consumer<StateMachine> task) {
        if (incarnation != null) {
            Incarnation now = incarnation;
            now.schedule(Duration.ZERO, () -> task.accept(now.machine));
        }
    }

    private void run(Job job) {
        if (job.cancelled || job.owner.dead) {
            return;
        }
        if (frozen) {
            held.add(job);
            return;
        }
        job.task.run();
    }

    @Override
    public String toString() {
        return id;
    }

    private static final class Job {
        final Incarnation owner;
        final Runnable task;
        boolean cancelled;

        Job(Incarnation owner, Runnable task) {
            this.owner = owner;
            this.task = task;
        }
    }

    /**
     * One run of the daemon process: its executor (the core's scheduler), the ports the daemon
     * gives the core, and the core itself.
     */
    final class Incarnation implements Scheduler, PeerLink, NetworkProbe, CoreListener {
        final RecordingReplication replication;
        final StateMachine machine;
        boolean dead;

        Incarnation() {
            this.replication = new RecordingReplication(this);
            this.machine =
                    new StateMachine(
                            config,
                            release,
                            time,
                            this,
                            new Ports(this, this, store, replication, Actions.NONE),
                            this);
        }

        SimulatedNode node() {
            return SimulatedNode.this;
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            Job job = new Job(this, task);
            time.schedule(delay, () -> run(job));
            return () -> job.cancelled = true;
        }

        @Override
        public boolean isConnected(Connection connection) {
            return network.connected(connection);
        }

        @Override
        public Cancellable sendNotifierPing(
                Connection via, Duration timeout, Consumer<PingOutcome> outcome) {
            return network.ping(this, false, via, timeout, outcome);
        }

        @Override
        public Cancellable sendModulePing(
                Connection via, Duration timeout, Consumer<PingOutcome> outcome) {
            return network.ping(this, true, via, timeout, outcome);
        }

        @Override
        public void send(PeerMessage message) {
            network.send(this, message);
        }

        @Override
        public List<String> localGateways() {
            return List.of(GATEWAY);
        }

        @Override
        public Cancellable ping(String address, Duration timeout, Consumer<Reachability> result) {
            return network.icmp(this, address, timeout, result);
        }

        @Override
        public void onTransition(Transition transition) {
            observer.onTransition(SimulatedNode.this, transition);
        }

        @Override
        public void onNotice(Notice notice) {
            observer.onNotice(SimulatedNode.this, notice);
        }
    }
}
