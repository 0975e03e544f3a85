package io.switchover.notifier.session;

import java.util.Locale;

/**
 * The two connections a backup keeps to its primary. Each has its own connected state, so that a
 * monitor can tell "main only", "auxiliary only", "both" and "none" apart.
 */
public enum ConnectionKind {
    MAIN,
    AUX;

    /** The kind as written in the hello message. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind for a hello's wire name, or {@code null} when unknown. */
    public static ConnectionKind fromWireName(String name) {
        for (ConnectionKind k : values()) {
            if (k.wireName().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** The other connection. */
    public ConnectionKind alternate() {
        return this == MAIN ? AUX : MAIN;
    }
}
