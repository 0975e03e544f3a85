package io.switchover.core.simulation;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.state.Notice;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.core.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Two nodes on a {@link SimulatedNetwork}, driven step by step by a test: the deterministic
 * counterpart of {@link PairSimulation}, for regression tests of one scenario and for the timing
 * checks of {@code docs/timing.md}. {@link #a} has rank 0 and becomes primary when both start.
 */
final class Pair implements SimulatedNode.Observer {

    final VirtualTime time;
    final SimulatedNode a;
    final SimulatedNode b;
    final SimulatedNetwork network;
    final List<String> path = new ArrayList<>();
    final List<Transition> transitions = new ArrayList<>();
    private final List<Long> transitionNanos = new ArrayList<>();
    private final List<SimulatedNode> transitionNodes = new ArrayList<>();
    final List<Notice> notices = new ArrayList<>();

    /** Both nodes with {@code config} (ids, hosts and ranks set here) over {@code transport}. */
    Pair(long seed, CoreConfig config, Transport transport) {
        time = VirtualTime.withSeed(seed);
        a =
                new SimulatedNode(
                        "node-a",
                        "10.0.0.1",
                        config.toBuilder()
                                .nodeId("node-a")
                                .peerHost("10.0.0.2")
                                .tieBreakRank(0)
                                .build(),
                        PairSimulation.RELEASE,
                        time,
                        this);
        b =
                new SimulatedNode(
                        "node-b",
                        "10.0.0.2",
                        config.toBuilder()
                                .nodeId("node-b")
                                .peerHost("10.0.0.1")
                                .tieBreakRank(1)
                                .build(),
                        PairSimulation.RELEASE,
                        time,
                        this);
        network = new SimulatedNetwork(time, new Random(seed), transport, a, b);
    }

    /** Starts both nodes together and runs until node-a is primary and node-b its backup. */
    Pair started() {
        a.start();
        b.start();
        if (!time.advanceUntil(
                () -> a.state() == State.PRIMARY && b.state() == State.BACKUP,
                Duration.ofMinutes(2))) {
            throw new AssertionError("the pair did not form: " + path);
        }
        return this;
    }

    /** Runs until {@code condition} holds, at most {@code limit}; returns how long it took. */
    Duration runUntil(BooleanSupplier condition, Duration limit) {
        long from = time.nanos();
        if (!time.advanceUntil(condition, limit)) {
            throw new AssertionError(
                    "not reached within " + limit + "; path " + path + ", notices " + notices);
        }
        return Duration.ofNanos(time.nanos() - from);
    }

    /**
     * When {@code node} first made a transition to {@code to} at or after {@code sinceNanos},
     * relative to that reading.
     */
    Duration firstTransitionTo(SimulatedNode node, State to, long sinceNanos) {
        for (int i = 0; i < transitions.size(); i++) {
            long at = transitionNanos.get(i);
            if (transitionNodes.get(i) == node
                    && transitions.get(i).to() == to
                    && at - sinceNanos >= 0) {
                return Duration.ofNanos(at - sinceNanos);
            }
        }
        throw new AssertionError(node + " never went to " + to + "; path " + path);
    }

    @Override
    public void onTransition(SimulatedNode node, Transition t) {
        transitions.add(t);
        transitionNanos.add(time.nanos());
        transitionNodes.add(node);
        path.add(node.id + " " + t.from() + "->" + t.to() + ":" + t.reason().cause());
    }

    @Override
    public void onNotice(SimulatedNode node, Notice notice) {
        notices.add(notice);
    }
}
