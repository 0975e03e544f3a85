/**
 * Directory mirroring: what is mirrored (directory specs, exclude globs, safe relative paths), how
 * two listings of a directory are compared into a plan that makes the backup's copy identical to
 * the primary's, how bursts of change events are coalesced, and the bytes of the mirroring
 * messages.
 *
 * <p>Pure logic: no files, no threads, no clock of its own. The daemon lists and reads directories,
 * watches them, carries messages and streams between the nodes and applies the plan to disk; the
 * core decides what to transfer, delete and confirm, and when a burst of writes to a file is over.
 * Nothing here is thread-safe: one thread (the daemon's mirror thread) owns each object.
 */
package io.switchover.core.mirror;
