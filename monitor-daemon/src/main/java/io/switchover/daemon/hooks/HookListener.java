package io.switchover.daemon.hooks;

/**
 * Told about every hook that failed, timed out, could not start or was abandoned at shutdown, so
 * that the daemon can record an event and count it. Called on the hook thread (and, for hooks
 * dropped by {@link HookRunner#close}, on the thread closing it): it delays the next hook while it
 * runs, so it must be quick (an fsynced event append is fine) and must not block on the core.
 */
@FunctionalInterface
public interface HookListener {

    /** Listens to nothing; failures are still logged. */
    HookListener NONE = failure -> {};

    void hookFailed(HookFailure failure);
}
