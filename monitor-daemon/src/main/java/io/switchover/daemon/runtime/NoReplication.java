package io.switchover.daemon.runtime;

import io.switchover.core.port.Replication;
import io.switchover.core.time.Cancellable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication port while this release replicates nothing (registry and directory mirroring
 * arrive with their own issues): there is never anything to catch up on or drain, so the backup is
 * always in sync and a drain completes at once. Each call is logged so the operator sees the core
 * asked.
 */
public final class NoReplication implements Replication {
    private static final Logger log = LoggerFactory.getLogger(NoReplication.class);

    @Override
    public void resynchronise(String why) {
        log.info("re-synchronisation requested ({}); nothing is replicated by this release", why);
    }

    @Override
    public void keepAsideDivergentWrites(long generation, String why) {
        log.warn(
                "split brain lost at generation {} ({}); nothing replicated to keep aside",
                generation,
                why);
    }

    @Override
    public boolean isInSync() {
        return true;
    }

    @Override
    public void stopAcceptingWrites() {
        log.info("writes stopped for a controlled switchover");
    }

    @Override
    public void resumeAcceptingWrites() {
        log.info("writes resumed");
    }

    @Override
    public Cancellable drain(Consumer<Boolean> drained) {
        drained.accept(true);
        return Cancellable.DONE;
    }
}
