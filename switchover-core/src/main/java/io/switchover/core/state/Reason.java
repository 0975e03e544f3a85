package io.switchover.core.state;

import java.util.Objects;

/**
 * Why a transition happened: a cause an operator can count and alert on, and a detail that names
 * the evidence (which ping failed, which diagnosis rule decided, which command).
 */
public record Reason(Cause cause, String detail) {

    /** The kinds of reasons; each transition of the spec has at least one. */
    public enum Cause {
        /** STARTING: the peer answered the handshake as primary. */
        PEER_IS_PRIMARY,
        /** STARTING: fail-safe promotion; the peer could not be contacted or verified in time. */
        PEER_NOT_CONTACTED,
        /** STARTING: the peer answered but is not primary, so this node must be. */
        PEER_NOT_PRIMARY,
        /** STARTING: both nodes starting together; the configured tie-break chose this one. */
        TIE_BREAK_WON,
        /** BACKUP: notifier pings failed and their retries were exhausted. */
        NOTIFIER_PING_FAILED,
        /** BACKUP: the module monitor signalled that the module stopped answering. */
        MODULE_PING_FAILED,
        /** RECONNECTING: the notifier on the primary answers again. */
        RECONNECTED,
        /** RECONNECTING: the module answers again (or never really stopped). */
        MODULE_RESPONDING,
        /** Switchover: the maximum number of reconnect attempts was made. */
        RECONNECT_ATTEMPTS_EXHAUSTED,
        /** Switchover: the monitored module was determined to be down. */
        MODULE_DOWN,
        /** Switchover: the primary's host was determined to be unreachable. */
        PRIMARY_UNREACHABLE,
        /** Switchover: the reconnect interval expired. */
        RECONNECT_INTERVAL_EXPIRED,
        /** An operator asked for a switchover. */
        MANUAL_SWITCHOVER,
        /** PRIMARY: the peer announced that it took over. */
        PEER_TOOK_OVER,
        /** PRIMARY: two primaries met and this one has the lower generation (or lost the tie). */
        SPLIT_BRAIN_LOST,
        /** FAILED: an operator asked this node to rejoin the pair. */
        OPERATOR_REJOIN,
        /** The daemon is shutting down. */
        SHUTDOWN;

        /** The four automatic switchover conditions of the spec. */
        public boolean isAutomaticSwitchover() {
            return this == RECONNECT_ATTEMPTS_EXHAUSTED
                    || this == MODULE_DOWN
                    || this == PRIMARY_UNREACHABLE
                    || this == RECONNECT_INTERVAL_EXPIRED;
        }
    }

    public Reason {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(detail, "detail");
        if (detail.isBlank()) {
            throw new IllegalArgumentException(
                    "a reason explains itself: empty detail for " + cause);
        }
    }

    public static Reason of(Cause cause, String detail) {
        return new Reason(cause, detail);
    }

    @Override
    public String toString() {
        return cause + ": " + detail;
    }
}
