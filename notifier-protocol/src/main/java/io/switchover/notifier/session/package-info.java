/**
 * An established, authenticated connection to the peer and everything that flows over it: requests
 * with their five outcomes, notifications with acknowledgements, chunked streams with credit-based
 * backpressure, and the handlers that answer the peer. Also the guard that closes a connection with
 * a reason. Nothing here performs the handshake ({@link io.switchover.notifier.handshake}) or opens
 * sockets ({@link io.switchover.notifier.transport}).
 */
package io.switchover.notifier.session;
