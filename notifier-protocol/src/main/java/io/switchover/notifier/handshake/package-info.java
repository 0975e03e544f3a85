/**
 * The handshake: hello exchange, shared-secret challenge-response and certificate identity checks,
 * ending in an established {@link io.switchover.notifier.session.PeerConnection}. Until it
 * completes nothing but handshake messages is accepted and frames are limited to 64 KiB. What a
 * node does with an authenticated peer is not decided here.
 */
package io.switchover.notifier.handshake;
