package io.switchover.core.simulation;

import io.switchover.core.port.Connection;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.port.Reachability;
import io.switchover.core.simulation.SimulatedNode.Incarnation;
import io.switchover.core.simulation.SimulatedNode.ModuleFault;
import io.switchover.core.testing.VirtualTime;
import io.switchover.core.time.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The network between the two nodes and the notifier transport over it, in virtual time.
 *
 * <p>Packets between the hosts flow while both hosts are up, neither is isolated and the link
 * between them is not cut ({@link #auxiliaryCut} cuts only the auxiliary path). ICMP is answered by
 * the host's kernel: a frozen or dead process does not stop it. A connection is established while
 * packets flow, both processes run unfrozen and neither notifier port is blocked; it is then shared
 * by both ends. It closes at once on a reset (a process crash with its host reachable, a blocked
 * port, a cut the operating system reports), and after the transport's read-idle timeout when the
 * far side falls silent (a frozen process, a silent cut). Closed connections are re-established
 * with the transport's backoff as soon as they can be.
 *
 * <p>Requests (notifier and module pings) travel over one connection; their timeout runs on the
 * requester's executor, as in the daemon; a connection that closes completes its outstanding
 * requests as {@code CONNECTION_LOSS}. Everything is delivered through the receiving process's
 * executor, so a frozen process sees it late, and a dead one never.
 */
final class SimulatedNetwork {

    private final VirtualTime time;
    private final Random random;
    private final Transport transport;
    private final SimulatedNode a;
    private final SimulatedNode b;
    private final Map<Connection, Link> links = new EnumMap<>(Connection.class);

    /** The path between the two hosts is cut; each still reaches its own NetTest and gateway. */
    boolean linkCut;

    /** Only the auxiliary connection's path is cut (a second adapter, another route). */
    boolean auxiliaryCut;

    /** Told whenever a connection opens or closes. */
    private Runnable onConnectionChange = () -> {};

    /** Run once, right after the next answered ping of that kind (module or not) is delivered. */
    private final Map<Boolean, Runnable> afterNextAnswer = new HashMap<>();

    SimulatedNetwork(
            VirtualTime time,
            Random random,
            Transport transport,
            SimulatedNode a,
            SimulatedNode b) {
        this.time = time;
        this.random = random;
        this.transport = transport;
        this.a = a;
        this.b = b;
        for (Connection c : Connection.values()) {
            links.put(c, new Link(c));
        }
        a.attach(this);
        b.attach(this);
    }

    Transport transport() {
        return transport;
    }

    void onConnectionChange(Runnable listener) {
        this.onConnectionChange = listener;
    }

    /**
     * Runs {@code action} once, just after the next answered notifier ping ({@code module} false)
     * or module ping is delivered to the core that sent it: the phase that makes a fault's
     * detection take longest, since the next ping is a whole delay away.
     */
    void afterNextAnswer(boolean module, Runnable action) {
        afterNextAnswer.put(module, action);
    }

    SimulatedNode other(SimulatedNode node) {
        return node == a ? b : a;
    }

    // ---- Conditions ----

    /** Packets flow between the two hosts. */
    boolean pathOk() {
        return a.hostUp && b.hostUp && !a.isolated && !b.isolated && !linkCut;
    }

    private boolean pathOk(Connection c) {
        return pathOk() && (c == Connection.MAIN || !auxiliaryCut);
    }

    /** Frames flow both ways over {@code c}: both processes run and send their keepalives. */
    private boolean framesFlow(Connection c) {
        return pathOk(c) && live(a) && live(b);
    }

    private static boolean live(SimulatedNode node) {
        return node.running() && !node.frozen();
    }

    private boolean establishable(Connection c) {
        return framesFlow(c) && !a.portBlocked && !b.portBlocked;
    }

    boolean connected(Connection c) {
        return links.get(c).up;
    }

    /**
     * Something changed between the hosts: connections that can no longer exist close at once if
     * {@code reset} (the operating system reports it), otherwise they fall silent and the idle
     * timeout closes them; connections that can exist again are re-established.
     */
    void changed(boolean reset) {
        for (Link link : links.values()) {
            link.reevaluate(reset);
        }
    }

    /** A new process started: connections left from its previous life are reset by its host. */
    void processStarted(SimulatedNode node) {
        for (Link link : links.values()) {
            if (link.up) {
                link.close();
            }
        }
        changed(false);
    }

    /** A process died: its host resets the connections if the reset can reach the peer. */
    void processDied(SimulatedNode node) {
        changed(node.hostUp && pathOk());
    }

    // ---- Control messages ----

    void send(Incarnation from, PeerMessage message) {
        Link link =
                links.get(Connection.MAIN).up
                        ? links.get(Connection.MAIN)
                        : links.get(Connection.AUXILIARY);
        if (!link.up) {
            return;
        }
        int epoch = link.epoch;
        time.schedule(
                transport.latency(),
                () -> {
                    Incarnation to = link.deliverable(epoch, from);
                    if (to != null) {
                        to.schedule(Duration.ZERO, () -> to.machine.onPeerMessage(message));
                    }
                });
    }

    // ---- Pings through the notifier ----

    Cancellable ping(
            Incarnation from,
            boolean module,
            Connection via,
            Duration timeout,
            Consumer<PingOutcome> callback) {
        Link link = links.get(via);
        Request request = new Request(from, link, module, callback);
        if (!link.up) {
            request.completeLater(PingOutcome.connectionLoss(via));
            return request;
        }
        link.pending.add(request);
        request.timeout =
                from.schedule(timeout, () -> request.complete(PingOutcome.timeout(timeout)));
        int epoch = link.epoch;
        time.schedule(
                transport.latency(),
                () -> {
                    Incarnation notifier = link.deliverable(epoch, from);
                    if (notifier != null) {
                        // The peer's daemon answers on its own executor: not while it is frozen.
                        notifier.schedule(
                                Duration.ZERO, () -> answer(notifier, module, request, epoch));
                    }
                });
        return request;
    }

    private void answer(Incarnation notifier, boolean module, Request request, int epoch) {
        PingOutcome outcome = PingOutcome.success();
        if (module) {
            ModuleFault fault = notifier.node().module;
            if (fault == ModuleFault.HANG) {
                return;
            }
            if (fault == ModuleFault.REJECT) {
                outcome = PingOutcome.rejected("the module is not serving");
            }
        }
        PingOutcome reply = outcome;
        time.schedule(
                transport.latency(),
                () -> {
                    if (request.link.deliverable(epoch, notifier) != null) {
                        request.from.schedule(Duration.ZERO, () -> request.complete(reply));
                    }
                });
    }

    /** One ping through the notifier, from the requester's side. */
    private final class Request implements Cancellable {
        final Incarnation from;
        final Link link;
        final boolean module;
        final Consumer<PingOutcome> callback;
        Cancellable timeout = Cancellable.DONE;
        boolean done;

        Request(Incarnation from, Link link, boolean module, Consumer<PingOutcome> callback) {
            this.from = from;
            this.link = link;
            this.module = module;
            this.callback = callback;
        }

        void completeLater(PingOutcome outcome) {
            from.schedule(Duration.ZERO, () -> complete(outcome));
        }

        void complete(PingOutcome outcome) {
            if (done) {
                return;
            }
            done = true;
            timeout.cancel();
            link.pending.remove(this);
            callback.accept(outcome);
            if (outcome.succeeded()) {
                Runnable after = afterNextAnswer.remove(module);
                if (after != null) {
                    after.run();
                }
            }
        }

        @Override
        public void cancel() {
            if (done) {
                return;
            }
            done = true;
            timeout.cancel();
            link.pending.remove(this);
            from.schedule(Duration.ZERO, () -> callback.accept(PingOutcome.cancelled()));
        }
    }

    // ---- ICMP ----

    Cancellable icmp(
            Incarnation from, String address, Duration timeout, Consumer<Reachability> result) {
        boolean[] done = {false};
        Consumer<Reachability> once =
                r -> {
                    if (!done[0]) {
                        done[0] = true;
                        result.accept(r);
                    }
                };
        Duration roundTrip = transport.latency().multipliedBy(2);
        if (roundTrip.compareTo(timeout) < 0) {
            time.schedule(
                    transport.latency(),
                    () -> {
                        if (reaches(from.node(), address)) {
                            time.schedule(
                                    transport.latency(),
                                    () ->
                                            from.schedule(
                                                    Duration.ZERO,
                                                    () -> once.accept(Reachability.REACHABLE)));
                        }
                    });
        }
        from.schedule(timeout, () -> once.accept(Reachability.UNREACHABLE));
        return () -> done[0] = true;
    }

    private boolean reaches(SimulatedNode from, String address) {
        if (from.isolated || !from.hostUp) {
            return false;
        }
        if (address.equals(other(from).host)) {
            return pathOk();
        }
        return !from.netTestDown
                && (from.config.netTestAddresses().contains(address)
                        || address.equals(SimulatedNode.GATEWAY));
    }

    // ---- Connections ----

    /** One notifier connection kind between the two daemons; both ends share its state. */
    private final class Link {
        final Connection kind;
        final List<Request> pending = new ArrayList<>();
        boolean up;

        /** Bumped whenever the connection opens or closes: traffic of an old one is dropped. */
        int epoch;

        Incarnation endA;
        Incarnation endB;

        /** Frames stopped flowing; {@link #silence} names this silence for its idle timer. */
        boolean silent;

        int silence;
        boolean reconnecting;
        int attempt;

        Link(Connection kind) {
            this.kind = kind;
        }

        /**
         * The receiving end of this connection for traffic sent in {@code epoch}, if it arrives.
         */
        Incarnation deliverable(int sentIn, Incarnation from) {
            if (!up || epoch != sentIn || !pathOk(kind)) {
                return null;
            }
            Incarnation to = from == endA ? endB : endA;
            return to.dead ? null : to;
        }

        void reevaluate(boolean reset) {
            if (!up) {
                reconnectSoon();
                return;
            }
            boolean endsAlive = !endA.dead && !endB.dead;
            if (reset && !(endsAlive && establishable(kind))) {
                close();
                return;
            }
            if (framesFlow(kind) && endsAlive) {
                if (silent) {
                    silent = false;
                    silence++;
                }
                return;
            }
            if (!silent) {
                silent = true;
                int thisSilence = ++silence;
                if (transport.detectsIdle()) {
                    time.schedule(
                            transport.idleTimeout(),
                            () -> {
                                if (up && silent && silence == thisSilence) {
                                    close();
                                }
                            });
                }
            }
        }

        void close() {
            up = false;
            epoch++;
            silent = false;
            silence++;
            List<Request> failed = new ArrayList<>(pending);
            pending.clear();
            for (Request request : failed) {
                request.completeLater(PingOutcome.connectionLoss(kind));
            }
            notifyEnds(false);
            endA = null;
            endB = null;
            onConnectionChange.run();
            reconnectSoon();
        }

        private void open() {
            up = true;
            epoch++;
            attempt = 0;
            silent = false;
            silence++;
            endA = a.incarnation();
            endB = b.incarnation();
            notifyEnds(true);
            onConnectionChange.run();
        }

        private void notifyEnds(boolean nowUp) {
            for (Incarnation end : new Incarnation[] {endA, endB}) {
                if (end != null && !end.dead) {
                    end.schedule(Duration.ZERO, () -> end.machine.onConnectionChanged(kind, nowUp));
                }
            }
        }

        private void reconnectSoon() {
            if (reconnecting) {
                return;
            }
            reconnecting = true;
            Duration nominal = transport.nominalBackoff(attempt++);
            long half = nominal.toNanos() / 2;
            long jitter = half == 0 ? 0 : Math.floorMod(random.nextLong(), half);
            time.schedule(
                    Duration.ofNanos(half + jitter),
                    () -> {
                        reconnecting = false;
                        if (up) {
                            return;
                        }
                        if (establishable(kind)) {
                            open();
                        } else {
                            reconnectSoon();
                        }
                    });
        }
    }
}
