package io.switchover.core.state;

import java.util.Objects;

/**
 * Something worth logging that is not a change of role: a promotion the isolation guard blocked, a
 * module monitor restarted, a split brain won. Transitions say what the node became; notices say
 * what it decided not to become, and why.
 */
public record Notice(Kind kind, String detail, long atNanos) {

    public enum Kind {
        /** A switchover condition held, but this backup's own network is not good. */
        PROMOTION_BLOCKED,
        /** A promotion could not proceed (e.g. the generation could not be stored). */
        PROMOTION_FAILED,
        /** The module monitor fell silent for too long and was restarted. */
        MODULE_MONITOR_RESTARTED,
        /** The module monitor signalled "module down" but the analysis found no error. */
        NO_ERROR_FOUND,
        /** Waiting for an unreachable primary's host before switching over. */
        WAITING_FOR_PRIMARY,
        /** Two primaries met; this one keeps the role (the loser logs a transition). */
        SPLIT_BRAIN_WON,
        /** A core timer ran far later than due: the core itself stalled, so it re-checks. */
        STALL_DETECTED,
        /** A generation learnt from the peer could not be stored durably. */
        GENERATION_NOT_STORED,
        /** A controlled switchover was abandoned; the detail says why and by which node. */
        HANDOVER_ABORTED,
        /** A command was refused; the detail says why. */
        COMMAND_REFUSED,
        /** The peer's handshake makes no sense for this pair (e.g. the same node id). */
        PEER_MISCONFIGURED
    }

    public Notice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
