package io.switchover.core.port;

import io.switchover.core.time.Cancellable;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The two notifier connections to the peer daemon, as the core needs them.
 *
 * <p>The daemon owns the connections (establishing, re-establishing, authenticating); the core only
 * asks whether each is up, sends pings and control messages over them, and receives the peer's
 * messages as events. Ping callbacks follow the threading contract of this package. A ping sent
 * over a connection that is down completes as {@link PingOutcome.ConnectionLoss}. {@link
 * PingOutcome.Cancelled} is reported only for pings the core cancelled.
 */
public interface PeerLink {

    /** The connected state the daemon keeps for {@code connection}, read now. */
    boolean isConnected(Connection connection);

    /**
     * Pings the notifier (the peer daemon itself) over {@code via}; the outcome arrives later on
     * the core's executor. A reply later than {@code timeout} is a {@link PingOutcome.Timeout}.
     */
    Cancellable sendNotifierPing(Connection via, Duration timeout, Consumer<PingOutcome> outcome);

    /**
     * Asks the peer daemon, over {@code via}, to ping the monitored module on its host and report.
     * A module that does not answer within {@code timeout} is a {@link PingOutcome.Timeout}; a
     * module that answers "not serving" is {@link PingOutcome.Rejected}.
     */
    Cancellable sendModulePing(Connection via, Duration timeout, Consumer<PingOutcome> outcome);

    /**
     * Sends a control message over whichever connection is up (main first). Best effort: dropped if
     * neither is up; the protocol in the core never depends on one message getting through.
     */
    void send(PeerMessage message);
}
