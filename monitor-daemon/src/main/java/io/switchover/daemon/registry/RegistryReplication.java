package io.switchover.daemon.registry;

import io.switchover.core.port.Replication;
import io.switchover.core.time.Cancellable;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The core's replication port, served by the registry (directory mirroring joins here when it
 * exists). Calls arrive on the core's thread and return at once; results go back to the core's
 * thread through {@code core}, as the core's threading contract requires.
 */
public final class RegistryReplication implements Replication {
    private final RegistryService registry;
    private final Executor core;

    public RegistryReplication(RegistryService registry, Executor core) {
        this.registry = registry;
        this.core = core;
    }

    @Override
    public void resynchronise(String why) {
        registry.resynchronise(why);
    }

    @Override
    public void keepAsideDivergentWrites(long generation, String why) {
        registry.keepAsideDivergentWrites(generation, why);
    }

    @Override
    public boolean isInSync() {
        return registry.replicaInSync();
    }

    @Override
    public void stopAcceptingWrites() {
        registry.stopAcceptingWrites();
    }

    @Override
    public void resumeAcceptingWrites() {
        registry.resumeAcceptingWrites();
    }

    @Override
    public Cancellable drain(Consumer<Boolean> drained) {
        AtomicBoolean cancelled = new AtomicBoolean();
        Runnable cancel =
                registry.drain(
                        ok ->
                                core.execute(
                                        () -> {
                                            if (!cancelled.get()) {
                                                drained.accept(ok);
                                            }
                                        }));
        return () -> {
            cancelled.set(true);
            cancel.run();
        };
    }
}
