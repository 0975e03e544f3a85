/**
 * The daemon: wires the core ({@code switchover-core}) and the peer protocol ({@code
 * notifier-protocol}) into {@code switchoverd} and {@code switchoverctl}. Decisions are not made
 * here; this module loads configuration, performs I/O for the core's ports and exposes the admin
 * surface.
 */
package io.switchover.daemon;
