/**
 * Directory mirroring as the daemon runs it: listing and hashing local directories ({@code
 * LocalTree}), watching them ({@code DirectoryWatch}), applying the primary's steps and file
 * streams safely and atomically under the configured roots ({@code TargetRoot}), the primary's side
 * of a session ({@code MirrorSource}), the backup's ({@code MirrorReplica}) and the service that
 * wires them to the peer connection, the core's replication port, status and metrics ({@code
 * MirrorService}).
 *
 * <p>What to mirror, how listings compare and when a burst of writes is over are decided in {@code
 * io.switchover.core.mirror}; this package does the I/O.
 */
package io.switchover.daemon.mirror;
