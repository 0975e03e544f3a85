package io.switchover.core.port;

import io.switchover.core.state.Transition;

/**
 * The takeover hooks (scripts moving a virtual IP, starting services...). The core calls them on
 * every transition, in order: leave the old role, then enter the new one. Implementations run the
 * configured scripts asynchronously and must return at once; a failing hook is logged by the daemon
 * and never vetoes a transition.
 */
public interface Actions {

    /** Nothing happens on any transition. */
    Actions NONE =
            new Actions() {
                @Override
                public void roleLeft(Transition transition) {}

                @Override
                public void roleEntered(Transition transition) {}
            };

    /** {@code transition.from()} is being left. */
    void roleLeft(Transition transition);

    /** {@code transition.to()} has been entered; {@code transition.generation()} is current. */
    void roleEntered(Transition transition);
}
