/**
 * The replicated configuration registry: a tree of keys holding named string values, its hash tree,
 * and the compare-and-update that brings a backup's copy in line with the primary's.
 *
 * <p>Pure logic over a {@link io.switchover.core.registry.RegistryStore}: the daemon supplies the
 * durable store (h2 MVStore) and carries the messages between the nodes; the core tests run the
 * same code over {@link io.switchover.core.registry.MemoryRegistryStore}. Nothing here is
 * thread-safe: one thread (the daemon's registry thread) owns a {@link
 * io.switchover.core.registry.Registry} and everything attached to it.
 *
 * <p>What is where: {@code Registry} (the tree, its writes and the store layout), {@code HashTree}
 * (digests per node), {@code Resync} (the backup's compare-and-update), {@code RegistryServer} (the
 * primary's answers to it), {@code RegistryCodec} (the bytes of those messages and of change
 * batches). What is not here: carrying messages, timeouts, retries and deciding when to resync; the
 * daemon does those.
 */
package io.switchover.core.registry;
