package io.switchover.daemon.peer;

import io.switchover.core.port.Connection;
import io.switchover.core.port.PeerLink;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.time.Cancellable;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.transport.PeerClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's two notifier connections are this node's outgoing main and auxiliary connections to
 * the peer ({@link PeerClient}); their connected states are the core's connection status. Control
 * messages go over whichever connection is up, outgoing first, then the peer's connections to us.
 *
 * <p>Threading: every outcome is delivered on the core's executor, never from inside a send call,
 * and exactly once: a ping the core cancels is reported as cancelled and its late answer dropped.
 */
public final class NotifierPeerLink implements PeerLink {
    private static final Logger log = LoggerFactory.getLogger(NotifierPeerLink.class);
    private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(5);

    private final PeerClient client;
    private final Supplier<List<PeerConnection>> incoming;
    private final String module;
    private final Executor core;
    private final PingObserver observer;

    /**
     * @param incoming the peer's established connections to this node's notifier server
     * @param module the monitored module's name, as registered on the peer
     * @param core the core's executor
     */
    public NotifierPeerLink(
            PeerClient client,
            Supplier<List<PeerConnection>> incoming,
            String module,
            Executor core,
            PingObserver observer) {
        this.client = client;
        this.incoming = incoming;
        this.module = module;
        this.core = core;
        this.observer = observer;
    }

    static ConnectionKind kind(Connection c) {
        return c == Connection.MAIN ? ConnectionKind.MAIN : ConnectionKind.AUX;
    }

    /** The core's name for a notifier connection kind. */
    public static Connection connection(ConnectionKind kind) {
        return kind == ConnectionKind.MAIN ? Connection.MAIN : Connection.AUXILIARY;
    }

    @Override
    public boolean isConnected(Connection connection) {
        return client.isConnected(kind(connection));
    }

    @Override
    public Cancellable sendNotifierPing(
            Connection via, Duration timeout, Consumer<PingOutcome> outcome) {
        return deliver(
                via, timeout, c -> c.ping(timeout), o -> observer.notifierPing(via, o), outcome);
    }

    @Override
    public Cancellable sendModulePing(
            Connection via, Duration timeout, Consumer<PingOutcome> outcome) {
        return deliver(
                via,
                timeout,
                c -> c.pingModule(module, timeout),
                o -> observer.modulePing(via, o),
                outcome);
    }

    @Override
    public void send(PeerMessage message) {
        byte[] body = PeerMessageCodec.encode(message);
        Optional<PeerConnection> target =
                client.connection(ConnectionKind.MAIN)
                        .or(() -> client.connection(ConnectionKind.AUX))
                        .or(
                                () ->
                                        incoming.get().stream()
                                                .filter(PeerConnection::isOpen)
                                                .findFirst());
        if (target.isEmpty()) {
            log.debug("no connection to the peer; {} not sent", message);
            return;
        }
        target.get()
                .request(PeerMessageCodec.OPERATION, body, MESSAGE_TIMEOUT)
                .thenAccept(
                        o -> {
                            if (!o.isSuccess()) {
                                log.debug("{} not delivered: {}", message, o);
                            }
                        });
    }

    private <T> Cancellable deliver(
            Connection via,
            Duration timeout,
            java.util.function.Function<PeerConnection, CompletableFuture<Outcome<T>>> send,
            Consumer<Outcome<T>> observe,
            Consumer<PingOutcome> outcome) {
        AtomicBoolean done = new AtomicBoolean();
        Optional<PeerConnection> connection = client.connection(kind(via));
        if (connection.isEmpty()) {
            core.execute(
                    () -> {
                        if (done.compareAndSet(false, true)) {
                            outcome.accept(PingOutcome.connectionLoss(via));
                        }
                    });
            return () -> cancel(done, outcome);
        }
        send.apply(connection.get())
                .thenAccept(
                        o ->
                                core.execute(
                                        () -> {
                                            if (done.compareAndSet(false, true)) {
                                                observe.accept(o);
                                                outcome.accept(map(o, via, timeout));
                                            }
                                        }));
        return () -> cancel(done, outcome);
    }

    private void cancel(AtomicBoolean done, Consumer<PingOutcome> outcome) {
        core.execute(
                () -> {
                    if (done.compareAndSet(false, true)) {
                        outcome.accept(PingOutcome.cancelled());
                    }
                });
    }

    /** The protocol's five outcomes are the core's five outcomes. */
    static PingOutcome map(Outcome<?> o, Connection via, Duration timeout) {
        switch (o.kind()) {
            case SUCCESS:
                return PingOutcome.success();
            case TIMEOUT:
                return PingOutcome.timeout(timeout);
            case REJECTED:
                return PingOutcome.rejected(((Outcome.Rejected<?>) o).reason());
            case CONNECTION_LOSS:
                return PingOutcome.connectionLoss(via);
            case CANCELLED:
            default:
                return PingOutcome.cancelled();
        }
    }
}
