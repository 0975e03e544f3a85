package io.switchover.daemon.peer;

import io.switchover.core.port.Connection;
import io.switchover.notifier.session.Outcome;

/** Sees every ping's outcome on its way to the core, for metrics and status. */
public interface PingObserver {
    PingObserver NONE = new PingObserver() {};

    /** A notifier ping over {@code via} ended; {@code outcome.elapsedNanos()} is its round trip. */
    default void notifierPing(Connection via, Outcome<?> outcome) {}

    /** A module ping over {@code via} ended. */
    default void modulePing(Connection via, Outcome<?> outcome) {}
}
