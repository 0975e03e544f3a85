package io.switchover.core.registry;

/**
 * Where a {@link Registry} keeps its tree: three ordered string maps that change together.
 *
 * <ul>
 *   <li>{@link #entries()}: one entry per key (its marker) and per named value, in path order;
 *   <li>{@link #index()}: the same entries by hash-tree leaf, with their digests;
 *   <li>{@link #meta()}: the registry's own bookkeeping (last sequence number, origin).
 * </ul>
 *
 * Writes to any map are visible at once; {@link #commit()} makes everything written since the last
 * commit durable in one atomic step: after a crash the store holds either all of a commit or none
 * of it, never a part. The registry commits before it acknowledges anything.
 */
public interface RegistryStore extends AutoCloseable {

    SortedStringMap entries();

    SortedStringMap index();

    SortedStringMap meta();

    /**
     * Makes every write so far durable, as the store's sync policy says (the safe policy forces the
     * data to the disk before returning).
     *
     * @throws RegistryException UNAVAILABLE when the store cannot write; nothing since the last
     *     successful commit may then be acknowledged
     */
    void commit() throws RegistryException;

    /** Releases the store; writes after the last commit are discarded. */
    @Override
    void close();
}
