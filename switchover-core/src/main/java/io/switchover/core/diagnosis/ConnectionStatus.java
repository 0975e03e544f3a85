package io.switchover.core.diagnosis;

import io.switchover.core.port.Connection;
import java.util.Optional;

/** The connected state of the two notifier connections, read together. */
public enum ConnectionStatus {
    BOTH_UP,
    MAIN_ONLY,
    AUXILIARY_ONLY,
    BOTH_DOWN;

    public static ConnectionStatus of(boolean mainUp, boolean auxiliaryUp) {
        if (mainUp) {
            return auxiliaryUp ? BOTH_UP : MAIN_ONLY;
        }
        return auxiliaryUp ? AUXILIARY_ONLY : BOTH_DOWN;
    }

    public boolean anyUp() {
        return this != BOTH_DOWN;
    }

    /** The connection to use for checking the primary: main when it is up, else auxiliary. */
    public Optional<Connection> preferred() {
        return switch (this) {
            case BOTH_UP, MAIN_ONLY -> Optional.of(Connection.MAIN);
            case AUXILIARY_ONLY -> Optional.of(Connection.AUXILIARY);
            case BOTH_DOWN -> Optional.empty();
        };
    }
}
