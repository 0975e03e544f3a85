package io.switchover.core.port;

import io.switchover.core.time.Cancellable;
import java.util.function.Consumer;

/**
 * The replication machinery (registry and mirrored directories), as far as switchover decisions
 * need it. The core tells it when to catch up and what to keep aside; it never moves data itself.
 */
public interface Replication {

    /**
     * The backup is back in contact with the primary after {@code why}: compare and update the
     * whole registry and every mirrored directory, because anything may have changed meanwhile.
     */
    void resynchronise(String why);

    /**
     * This node lost a split brain: what it wrote while it was primary with {@code generation} must
     * be kept aside for the operator, never silently discarded.
     */
    void keepAsideDivergentWrites(long generation, String why);

    /**
     * Backup: whether this node's replicas have caught up with everything the primary has
     * acknowledged so far. A controlled switchover to a backup that is not in sync would lose data,
     * so it is refused.
     */
    boolean isInSync();

    /** Primary, handing over: refuse new registry writes and file changes from now on. */
    void stopAcceptingWrites();

    /** Primary, handover abandoned: accept writes again. */
    void resumeAcceptingWrites();

    /**
     * Primary, handing over, writes stopped: report {@code true} once every write acknowledged so
     * far is present on the backup, {@code false} if that cannot happen. The core applies its own
     * timeout and cancels the returned handle when it gives up.
     */
    Cancellable drain(Consumer<Boolean> drained);
}
