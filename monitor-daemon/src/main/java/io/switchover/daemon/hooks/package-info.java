/**
 * Takeover hooks: the operator's scripts that run when the node enters or leaves a role (move a
 * virtual IP, start or stop services). {@link io.switchover.daemon.hooks.HookRunner} implements the
 * core's {@link io.switchover.core.port.Actions} port: the core only enqueues, and one dedicated
 * thread runs the scripts one at a time, in order, each with a timeout, with the transition in its
 * environment and its output in the log (logger {@code io.switchover.daemon.hooks}).
 *
 * <p>A hook never vetoes a transition: the decision was made before the hook runs, and a failing
 * hook is logged and reported to a {@link io.switchover.daemon.hooks.HookListener}.
 *
 * <p>What does not live here: choosing when a role changes (the core) and reading the hook lists
 * from the configuration file (the config package builds a {@link
 * io.switchover.daemon.hooks.HookSettings}).
 */
package io.switchover.daemon.hooks;
