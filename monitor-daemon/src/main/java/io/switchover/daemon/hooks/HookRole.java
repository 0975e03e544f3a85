package io.switchover.daemon.hooks;

import io.switchover.core.state.State;
import java.util.Optional;

/**
 * The roles hooks are configured for. Hooks care about what the node does for the outside world,
 * not about the core's finer states: every kind of backup ({@code BACKUP}, {@code RECONNECTING},
 * {@code UPGRADE_HIGHER}, {@code UPGRADE_LOWER}) serves nothing and watches the primary, so all of
 * them are {@link #BACKUP} here, and moving between them runs no hook.
 *
 * <p>{@code STARTING} and {@code STOPPED} are no role: the node serves nothing in them and has
 * nothing to set up. Moving into them from a role runs that role's leave hooks (so a clean shutdown
 * of a primary releases its virtual IP); moving out of them runs the new role's enter hooks.
 */
public enum HookRole {
    PRIMARY,
    BACKUP,
    FAILED;

    /** The hook role of {@code state}; empty for {@code STARTING} and {@code STOPPED}. */
    public static Optional<HookRole> of(State state) {
        // Exhaustive on purpose: a new state does not compile until its hooks are decided.
        return switch (state) {
            case PRIMARY -> Optional.of(PRIMARY);
            case BACKUP, RECONNECTING, UPGRADE_HIGHER, UPGRADE_LOWER -> Optional.of(BACKUP);
            case FAILED -> Optional.of(FAILED);
            case STARTING, STOPPED -> Optional.empty();
        };
    }
}
