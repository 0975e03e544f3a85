package io.switchover.core.port;

/** The two notifier connections between the backup and the primary. */
public enum Connection {
    /** The preferred connection; pings use it whenever it is up. */
    MAIN,
    /** The auxiliary connection, used when the main one is down. */
    AUXILIARY;

    /** The alternate connection: the one the module monitor switches to. */
    public Connection other() {
        return this == MAIN ? AUXILIARY : MAIN;
    }
}
