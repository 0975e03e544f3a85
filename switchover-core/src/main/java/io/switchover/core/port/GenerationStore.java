package io.switchover.core.port;

/**
 * The durable generation number: incremented on every promotion and written before the node acts as
 * primary, so that two primaries that meet can tell which one is newer.
 *
 * <p>Calls are synchronous on the core's executor: a promotion must not proceed until the write is
 * durable, and one small fsync is cheaper than an asynchronous protocol around it.
 */
public interface GenerationStore {

    /** The last stored generation, {@code 0} if none was ever stored. */
    long load();

    /**
     * Stores {@code generation} durably before returning.
     *
     * @throws RuntimeException if it could not be made durable; the core then does not promote
     */
    void store(long generation);
}
