/**
 * The admin API: HTTP + JSON on a local address, a bearer token for every call but {@code /health}.
 * It exposes what the daemon knows (status, events, metrics) and forwards operator commands to the
 * core; it decides nothing itself.
 */
package io.switchover.daemon.admin;
