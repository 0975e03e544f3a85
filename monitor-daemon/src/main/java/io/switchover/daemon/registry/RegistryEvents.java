package io.switchover.daemon.registry;

import io.switchover.core.registry.Resync;
import java.nio.file.Path;

/**
 * What the registry's replication tells the rest of the daemon: the event history, the decision log
 * and metrics. Called on the registry thread; implementations must not block.
 */
public interface RegistryEvents {

    /** A replication session began: {@code role} is "source" (primary) or "replica" (backup). */
    void sessionStarted(String role, String peer, long seq);

    /** A replication session ended, with the reason. */
    void sessionEnded(String role, String peer, String reason);

    /** A compare-and-update finished (complete or not), with what it cost. */
    void resynchronised(String peer, Resync.Result result, long millis);

    /** This node's tree was exported aside before being brought in line. */
    void keptAside(Path file, String why);

    /**
     * Primary: the backup acknowledged a change as durable, {@code nanos} after it was committed
     * here. Called once per change.
     */
    void propagated(long nanos);

    /** No events: for tools and tests that run a registry alone. */
    RegistryEvents NONE =
            new RegistryEvents() {
                @Override
                public void sessionStarted(String role, String peer, long seq) {}

                @Override
                public void sessionEnded(String role, String peer, String reason) {}

                @Override
                public void resynchronised(String peer, Resync.Result result, long millis) {}

                @Override
                public void keptAside(Path file, String why) {}

                @Override
                public void propagated(long nanos) {}
            };
}
