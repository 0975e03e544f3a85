package io.switchover.core.testing;

import io.switchover.core.port.Connection;
import io.switchover.core.port.PeerLink;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The backup's two notifier connections to a simulated primary, in virtual time. Outcomes are
 * delivered through the scheduler, never from inside the send call, as the port contract says.
 *
 * <p>Each ping's outcome is the next scripted one if any (for table tests that need an exact
 * sequence), otherwise it follows the connection state and the configured behaviour.
 */
public final class SimulatedPeerLink implements PeerLink {

    public static final Duration LATENCY = Duration.ofMillis(1);

    /** How long a {@link PeerMessage} takes to reach the peer ({@link #LATENCY} unless changed). */
    public Duration messageLatency = LATENCY;

    /** How the far side treats a ping that reaches it. */
    public enum Behaviour {
        ANSWER,
        HANG,
        REJECT,
        /** The outcome is never delivered: a stuck adapter, to test liveness tracking. */
        LOSE
    }

    public enum PingKind {
        NOTIFIER,
        MODULE
    }

    /** One ping as it was sent. */
    public record SentPing(PingKind kind, Connection via, Duration timeout, Duration at) {}

    private final VirtualTime time;
    private final Scheduler scheduler;
    private final Map<Connection, Boolean> connected = new EnumMap<>(Connection.class);
    private final Map<Connection, Behaviour> notifier = new EnumMap<>(Connection.class);
    private final Map<Connection, Behaviour> module = new EnumMap<>(Connection.class);
    private final Deque<PingOutcome> scriptedNotifier = new ArrayDeque<>();
    private final Deque<PingOutcome> scriptedModule = new ArrayDeque<>();
    private final List<SentPing> sent = new ArrayList<>();
    private final List<PeerMessage> messages = new ArrayList<>();
    private int outstanding;
    private Consumer<PeerMessage> receiver;

    public SimulatedPeerLink(VirtualTime time) {
        this.time = time;
        this.scheduler = time;
        for (Connection c : Connection.values()) {
            connected.put(c, true);
            notifier.put(c, Behaviour.ANSWER);
            module.put(c, Behaviour.ANSWER);
        }
    }

    public SimulatedPeerLink connected(Connection connection, boolean up) {
        connected.put(connection, up);
        return this;
    }

    public SimulatedPeerLink bothConnected(boolean up) {
        return connected(Connection.MAIN, up).connected(Connection.AUXILIARY, up);
    }

    public SimulatedPeerLink notifier(Behaviour behaviour) {
        for (Connection c : Connection.values()) {
            notifier.put(c, behaviour);
        }
        return this;
    }

    public SimulatedPeerLink module(Behaviour behaviour) {
        for (Connection c : Connection.values()) {
            module.put(c, behaviour);
        }
        return this;
    }

    public SimulatedPeerLink module(Connection via, Behaviour behaviour) {
        module.put(via, behaviour);
        return this;
    }

    /** The next notifier pings end with these outcomes, in order, whatever the behaviour. */
    public SimulatedPeerLink scriptNotifier(PingOutcome... outcomes) {
        scriptedNotifier.addAll(List.of(outcomes));
        return this;
    }

    /** The next module pings end with these outcomes, in order, whatever the behaviour. */
    public SimulatedPeerLink scriptModule(PingOutcome... outcomes) {
        scriptedModule.addAll(List.of(outcomes));
        return this;
    }

    public List<SentPing> sent() {
        return List.copyOf(sent);
    }

    public List<SentPing> sent(PingKind kind) {
        return sent.stream().filter(p -> p.kind() == kind).toList();
    }

    public void forgetSent() {
        sent.clear();
    }

    /** Pings sent whose outcome has not been delivered yet. */
    public int outstanding() {
        return outstanding;
    }

    public List<PeerMessage> messages() {
        return List.copyOf(messages);
    }

    @Override
    public boolean isConnected(Connection connection) {
        return connected.get(connection);
    }

    @Override
    public Cancellable sendNotifierPing(
            Connection via, Duration timeout, Consumer<PingOutcome> outcome) {
        return send(PingKind.NOTIFIER, via, timeout, outcome, scriptedNotifier, notifier);
    }

    @Override
    public Cancellable sendModulePing(
            Connection via, Duration timeout, Consumer<PingOutcome> outcome) {
        return send(PingKind.MODULE, via, timeout, outcome, scriptedModule, module);
    }

    /**
     * Delivers every message sent while a connection is up to {@code receiver} (the peer core),
     * {@link #LATENCY} later; without a receiver, messages are only recorded.
     */
    public SimulatedPeerLink deliverTo(Consumer<PeerMessage> receiver) {
        this.receiver = receiver;
        return this;
    }

    @Override
    public void send(PeerMessage message) {
        if (connected.get(Connection.MAIN) || connected.get(Connection.AUXILIARY)) {
            messages.add(message);
            if (receiver != null) {
                Consumer<PeerMessage> to = receiver;
                scheduler.schedule(messageLatency, () -> to.accept(message));
            }
        }
    }

    private Cancellable send(
            PingKind kind,
            Connection via,
            Duration timeout,
            Consumer<PingOutcome> callback,
            Deque<PingOutcome> script,
            Map<Connection, Behaviour> behaviours) {
        sent.add(new SentPing(kind, via, timeout, elapsed()));
        if (script.isEmpty() && connected.get(via) && behaviours.get(via) == Behaviour.LOSE) {
            return Cancellable.DONE;
        }
        PingOutcome outcome =
                script.isEmpty() ? byBehaviour(via, timeout, behaviours) : script.poll();
        Duration delay =
                switch (outcome.kind()) {
                    case TIMEOUT -> timeout;
                    case CONNECTION_LOSS -> Duration.ZERO;
                    case SUCCESS, REJECTED, CANCELLED -> LATENCY;
                };
        outstanding++;
        boolean[] delivered = {false};
        Cancellable pending =
                scheduler.schedule(
                        delay,
                        () -> {
                            delivered[0] = true;
                            outstanding--;
                            callback.accept(outcome);
                        });
        return () -> {
            if (!delivered[0]) {
                delivered[0] = true;
                pending.cancel();
                scheduler.schedule(
                        Duration.ZERO,
                        () -> {
                            outstanding--;
                            callback.accept(PingOutcome.cancelled());
                        });
            }
        };
    }

    private PingOutcome byBehaviour(
            Connection via, Duration timeout, Map<Connection, Behaviour> behaviours) {
        if (!connected.get(via)) {
            return PingOutcome.connectionLoss(via);
        }
        return switch (behaviours.get(via)) {
            case ANSWER -> PingOutcome.success();
            case HANG -> PingOutcome.timeout(timeout);
            case REJECT -> PingOutcome.rejected("refused by the simulated peer");
            case LOSE -> throw new IllegalStateException("lost pings have no outcome");
        };
    }

    private Duration elapsed() {
        return time.elapsed();
    }

    /** The clock this link runs on. */
    public Clock clock() {
        return time;
    }
}
