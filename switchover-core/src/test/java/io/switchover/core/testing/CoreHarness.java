package io.switchover.core.testing;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.Ports;
import io.switchover.core.port.Release;
import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.StateMachine;
import io.switchover.core.state.Transition;
import io.switchover.core.testing.RecordingPorts.RecordingActions;
import io.switchover.core.testing.RecordingPorts.RecordingListener;
import io.switchover.core.testing.RecordingPorts.RecordingReplication;
import java.time.Duration;
import java.util.List;

/**
 * One core wired to simulated ports in virtual time, seen from its own side: the peer is whatever
 * the test makes the link, the probe and the delivered messages say.
 */
public final class CoreHarness {

    public static final String SELF = "node-b";
    public static final String PEER = "node-a";
    public static final String PEER_HOST = "10.0.0.1";
    public static final Release RELEASE = Release.parse("2.4.0");

    public final VirtualTime time;
    public final SimulatedPeerLink link;
    public final FakeNetworkProbe probe;
    public final InMemoryGenerationStore store;
    public final RecordingReplication replication;
    public final RecordingActions actions;
    public final RecordingListener listener = new RecordingListener();
    public final StateMachine machine;

    /**
     * @param gateways what the adapters report when the core starts (enumerated once, then)
     */
    public CoreHarness(
            long seed,
            CoreConfig config,
            Release release,
            long storedGeneration,
            List<String> gateways) {
        this(VirtualTime.withSeed(seed), config, release, storedGeneration, gateways);
    }

    /** A core on a clock shared with other cores, for tests that run two of them. */
    public CoreHarness(
            VirtualTime time,
            CoreConfig config,
            Release release,
            long storedGeneration,
            List<String> gateways) {
        this.time = time;
        link = new SimulatedPeerLink(time);
        replication = new RecordingReplication(time);
        probe =
                new FakeNetworkProbe(time)
                        .reachable(PEER_HOST)
                        .gateways(gateways.toArray(String[]::new));
        store = new InMemoryGenerationStore(storedGeneration);
        actions = new RecordingActions(store);
        machine =
                new StateMachine(
                        config,
                        release,
                        time,
                        time,
                        new Ports(link, probe, store, replication, actions),
                        listener);
    }

    public CoreHarness(long seed, CoreConfig config, Release release, long storedGeneration) {
        this(seed, config, release, storedGeneration, List.of());
    }

    public CoreHarness(long seed, CoreConfig config) {
        this(seed, config, RELEASE, 0);
    }

    /** {@link #SELF}'s tie-break rank: it takes odd generations and loses the startup tie-break. */
    public static final int SELF_RANK = 1;

    /** {@link #PEER}'s tie-break rank. */
    public static final int PEER_RANK = 0;

    /** The default configuration for {@link #SELF} (rank 1) watching {@link #PEER_HOST}. */
    public static CoreConfig.Builder config() {
        return CoreConfig.builder(SELF, PEER_HOST).tieBreakRank(SELF_RANK);
    }

    /** The default configuration for {@link #PEER} (rank 0), for tests that run both nodes. */
    public static CoreConfig.Builder peerConfig() {
        return CoreConfig.builder(PEER, "10.0.0.2").tieBreakRank(PEER_RANK);
    }

    /** A hello from the peer. */
    public static PeerMessage.Hello hello(State role, long generation) {
        return new PeerMessage.Hello(PEER, PEER_RANK, role, RELEASE, generation);
    }

    /** Starts and joins the peer as its backup, at generation {@code generation}. */
    public CoreHarness startAsBackupOf(long generation) {
        machine.start();
        machine.onPeerMessage(hello(State.PRIMARY, generation));
        if (machine.state() != State.BACKUP) {
            throw new IllegalStateException("expected BACKUP, is " + machine.state());
        }
        return this;
    }

    public List<Transition> transitions() {
        return listener.transitions;
    }

    /** The transitions as {@code FROM->TO:CAUSE}, for compact assertions. */
    public List<String> path() {
        return listener.transitions.stream()
                .map(t -> t.from() + "->" + t.to() + ":" + t.reason().cause())
                .toList();
    }

    public Transition last() {
        return listener.transitions.get(listener.transitions.size() - 1);
    }

    public Reason lastReason() {
        return last().reason();
    }

    /** Runs until the machine is in {@code state}; returns how long that took. */
    public Duration runUntil(State state, Duration limit) {
        Duration before = time.elapsed();
        if (!time.advanceUntil(() -> machine.state() == state, limit)) {
            throw new AssertionError(
                    "not "
                            + state
                            + " within "
                            + limit
                            + "; is "
                            + machine.state()
                            + ", path "
                            + path()
                            + ", notices "
                            + listener.notices);
        }
        return time.elapsed().minus(before);
    }
}
