package io.switchover.core.state;

import java.util.Objects;

/**
 * One recorded change of role, as the daemon logs, counts and shows it.
 *
 * @param sequence 1 for the first transition of this core, then consecutive
 * @param generation the generation in force after the transition
 * @param atNanos the core clock's reading; only differences between transitions are meaningful
 */
public record Transition(
        long sequence, State from, State to, Reason reason, long generation, long atNanos) {

    public Transition {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
    }

    /** True for an automatic promotion: the moment the log says "Switch Initiated". */
    public boolean isAutomaticSwitchover() {
        return to == State.PRIMARY && reason.cause().isAutomaticSwitchover();
    }

    @Override
    public String toString() {
        return "#"
                + sequence
                + " "
                + from
                + " -> "
                + to
                + " (generation "
                + generation
                + "): "
                + reason;
    }
}
