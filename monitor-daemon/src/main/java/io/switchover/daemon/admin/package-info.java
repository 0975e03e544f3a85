/**
 * The admin API: HTTP + JSON on a local address, a bearer token for every call but {@code /health}.
 * It exposes what the daemon knows (status, events, metrics) and the registry ({@code /registry}:
 * reads, writes, export, import and watch streams), and forwards operator commands to the core and
 * registry operations to {@link io.switchover.daemon.registry.RegistryOperations}; it decides
 * nothing itself. Long streams run on bounded threads of their own, never on the two that answer
 * plain calls. The web console ({@code /console/}: a static page, a session login with the same
 * token, a server-sent-events feed, the switch over and rejoin buttons) lives here too, behind its
 * own cross-site checks.
 */
package io.switchover.daemon.admin;
