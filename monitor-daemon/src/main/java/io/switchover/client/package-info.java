/**
 * The client library for applications that are the monitored module themselves: {@link
 * io.switchover.client.ModuleClient} registers the application with its local daemon and answers
 * the daemon's module pings with the application's own {@link io.switchover.client.ModuleHealth}.
 * See {@code docs/module-client.md}.
 *
 * <p>What does not live here: anything of the daemon. An application links this package and the
 * notifier protocol, nothing else of switchover.
 */
package io.switchover.client;
