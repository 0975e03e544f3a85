/**
 * The core's {@link io.switchover.core.port.PeerLink} on top of the notifier protocol: pings,
 * module pings and control messages between the two cores, and the routing of what the peer sends.
 * It translates; the core decides.
 */
package io.switchover.daemon.peer;
