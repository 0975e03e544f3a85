/**
 * The daemon's configuration: one YAML file read by {@link
 * io.switchover.daemon.config.ConfigLoader} into an immutable {@link
 * io.switchover.daemon.config.DaemonConfig}, or into the complete list of {@link
 * io.switchover.daemon.config.ConfigProblem}s when anything is wrong.
 *
 * <p>Validation happens here, once, before anything binds or starts: syntax, unknown keys, types,
 * units, ranges, cross-field rules, the core's own rules ({@link
 * io.switchover.core.config.CoreConfig#validate()}, reported under the same key paths) and the
 * files the configuration names. The rest of the daemon takes {@link
 * io.switchover.daemon.config.DaemonConfig} as proven valid and never reads YAML again.
 *
 * <p>Relative paths in the file resolve against the directory that holds the file, so a
 * configuration and the files it names can move together (the demo pair relies on this).
 *
 * <p>What does not live here: defaults and ranges of the core's parameters (they are {@link
 * io.switchover.core.config.CoreConfig}'s), opening sockets, creating directories, resolving host
 * names, and any behaviour driven by the values.
 */
package io.switchover.daemon.config;
