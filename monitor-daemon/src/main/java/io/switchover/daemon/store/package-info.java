/**
 * The daemon's durable state, all of it under one data directory that only one daemon may use at a
 * time: {@link io.switchover.daemon.store.DataDirectory} (owner-only permissions and the lock),
 * {@link io.switchover.daemon.store.FileGenerationStore} (the core's generation number), {@link
 * io.switchover.daemon.store.AdminToken} (the admin API's shared secret) and {@link
 * io.switchover.daemon.store.EventHistory} (the durable record of every decision).
 *
 * <p>Every write that must survive a crash goes through one path: a temporary file written and
 * fsynced, an atomic rename, then an fsync of the directory (or, for the history, an fsync per
 * appended line). A file that cannot be read or makes no sense is an error naming its path, never a
 * silent default.
 *
 * <p>What does not live here: the registry and mirrored files (their stores belong to replication)
 * and any decision about what the stored values mean (that is the core's).
 */
package io.switchover.daemon.store;
