/**
 * The client libraries for applications on a switchover node.
 *
 * <ul>
 *   <li>{@link io.switchover.client.ModuleClient} registers the application with its local daemon
 *       as the monitored module and answers the daemon's module pings with the application's own
 *       {@link io.switchover.client.ModuleHealth} (see {@code docs/module-client.md}); it needs the
 *       notifier protocol.
 *   <li>{@link io.switchover.client.RegistryClient} reads, writes, watches, exports and imports the
 *       replicated registry over the daemon's admin API (see {@code docs/registry.md}); it needs
 *       only the JDK and Jackson.
 * </ul>
 *
 * <p>What does not live here: anything of the daemon. An application links this package and what
 * the client it uses needs, nothing else of switchover.
 */
package io.switchover.client;
