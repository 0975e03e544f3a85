/**
 * How the primary's daemon answers a module ping from the backup: a {@link
 * io.switchover.daemon.module.ModuleCheck} asks the monitored module whether it is fine, by a TCP
 * connect, an HTTP GET, a command's exit code, or by pinging a local application that registered
 * itself through the {@link io.switchover.daemon.module.ModuleEndpoint} (client side: {@code
 * io.switchover.client.ModuleClient}).
 *
 * <p>Every check answers asynchronously and within its timeout, with a short detail when the module
 * is fine or a {@link io.switchover.notifier.session.RejectedException} whose reason goes back to
 * the backup as the module ping's {@code REJECTED} outcome. Checks are called on a notifier event
 * loop and must never block it.
 *
 * <p>What does not live here: what a failed module ping means. Counting failures and deciding that
 * the module is down is the backup's module monitor, in the core.
 */
package io.switchover.daemon.module;
