/**
 * Framing: the first pipeline stage, which cuts the byte stream into length-prefixed frames and
 * rejects a bad length or version before anything is allocated for the frame. It knows nothing of
 * what a message type means; {@link io.switchover.notifier.message} does.
 */
package io.switchover.notifier.frame;
