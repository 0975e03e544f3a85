/**
 * The notifier protocol: the peer protocol the two nodes of a switchover pair speak.
 *
 * <pre>
 *   bytes -> frame (length-prefixed, {@link io.switchover.notifier.frame})
 *         -> message ({@link io.switchover.notifier.message})
 *         -> handshake and authentication ({@link io.switchover.notifier.handshake})
 *         -> established connection: requests, notifications, streams
 *            ({@link io.switchover.notifier.session})
 *         -> server and reconnecting client ({@link io.switchover.notifier.transport})
 * </pre>
 *
 * <p>This module knows nothing of switchover states or decisions: a node's state is an opaque
 * string it announces and answers pings with, and request, notification and stream contents are
 * opaque bytes for the layers above. The wire format is specified in {@code docs/protocol.md}.
 */
package io.switchover.notifier;
