package io.switchover.notifier.session;

/**
 * What a node announces about itself in its hello and answers every notifier ping with. The state
 * is opaque to the protocol (the daemon puts its role/state name there).
 */
public record NodeStatus(String state, long generation) {
    public NodeStatus {
        if (state == null || state.isEmpty()) {
            throw new IllegalArgumentException("state is missing");
        }
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0, got " + generation);
        }
    }
}
