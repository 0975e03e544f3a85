/**
 * Sockets: the notifier server that accepts the peer's connections, the client that keeps the main
 * and auxiliary connections to the peer up (reconnecting with bounded exponential backoff and
 * jitter), their settings, TLS contexts and the channel pipeline they share.
 */
package io.switchover.notifier.transport;
