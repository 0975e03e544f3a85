/**
 * Messages: the typed meaning of a frame, and the codec between the two. The control messages of
 * the handshake are CBOR maps (schema-flexible, unknown keys ignored); the hot messages (pings,
 * replies, notifications, stream chunks) have fixed hand-written layouts. {@code docs/protocol.md}
 * gives every layout byte by byte. Nothing here decides what a message means for the connection:
 * {@link io.switchover.notifier.handshake} and {@link io.switchover.notifier.session} do.
 */
package io.switchover.notifier.message;
