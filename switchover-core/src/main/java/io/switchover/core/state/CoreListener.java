package io.switchover.core.state;

/**
 * Observes the core's decisions, for logs, the CLI, the admin API and metrics. Called on the core's
 * executor, after the decision took effect; must return quickly and must not call back into the
 * core.
 */
public interface CoreListener {

    /** Listens to nothing. */
    CoreListener NONE = transition -> {};

    void onTransition(Transition transition);

    default void onNotice(Notice notice) {}
}
