/**
 * The daemon's side of the replicated registry: {@link
 * io.switchover.daemon.registry.RegistryOperations} (what the admin API may do with it) and {@link
 * io.switchover.daemon.registry.MvRegistryStore} (the core's {@link
 * io.switchover.core.registry.RegistryStore} in one h2 MVStore file under the data directory).
 *
 * <p>What does not live here: the registry's logic (keys, sequence numbers, the hash tree and the
 * compare-and-update are the core's {@code io.switchover.core.registry}).
 */
package io.switchover.daemon.registry;
