package io.switchover.daemon.runtime;

import io.switchover.core.port.Replication;
import io.switchover.core.time.Cancellable;
import io.switchover.daemon.mirror.MirrorService;
import io.switchover.daemon.registry.RegistryService;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The core's replication port, served by the registry and directory mirroring together: both
 * compare after a reconnection, both keep aside a lost split brain's writes, the backup is in sync
 * only when both are, and a handover is drained only when both are drained. Calls arrive on the
 * core's thread and return at once; results go back to the core's thread through {@code core}, as
 * the core's threading contract requires.
 */
public final class DaemonReplication implements Replication {
    private final RegistryService registry;
    private final MirrorService mirror;
    private final Executor core;

    public DaemonReplication(RegistryService registry, MirrorService mirror, Executor core) {
        this.registry = registry;
        this.mirror = mirror;
        this.core = core;
    }

    @Override
    public void resynchronise(String why) {
        registry.resynchronise(why);
        mirror.resynchronise(why);
    }

    @Override
    public void keepAsideDivergentWrites(long generation, String why) {
        registry.keepAsideDivergentWrites(generation, why);
        mirror.keepAsideDivergentWrites(generation, why);
    }

    @Override
    public boolean isInSync() {
        return registry.replicaInSync() && mirror.isInSync();
    }

    @Override
    public void stopAcceptingWrites() {
        registry.stopAcceptingWrites();
        mirror.stopAcceptingWrites();
    }

    @Override
    public void resumeAcceptingWrites() {
        registry.resumeAcceptingWrites();
        mirror.resumeAcceptingWrites();
    }

    /** Drained once both are; the first {@code false} decides at once. */
    @Override
    public Cancellable drain(Consumer<Boolean> drained) {
        AtomicBoolean over = new AtomicBoolean();
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicInteger left = new AtomicInteger(2);
        Consumer<Boolean> report =
                ok ->
                        core.execute(
                                () -> {
                                    if (!cancelled.get()) {
                                        drained.accept(ok);
                                    }
                                });
        Consumer<Boolean> part =
                ok -> {
                    if (!ok) {
                        if (over.compareAndSet(false, true)) {
                            report.accept(false);
                        }
                    } else if (left.decrementAndGet() == 0 && over.compareAndSet(false, true)) {
                        report.accept(true);
                    }
                };
        Runnable cancelRegistry = registry.drain(part);
        Runnable cancelMirror = mirror.drain(part);
        return () -> {
            cancelled.set(true);
            cancelRegistry.run();
            cancelMirror.run();
        };
    }
}
