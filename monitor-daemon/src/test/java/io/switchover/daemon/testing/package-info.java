/**
 * Test helpers with real components: ports that never answer ({@code SilentPort}) or answer until
 * closed ({@code AnsweringPort}), executors a test drives, captured logs, a strict reader of the
 * Prometheus text format, and {@code TestPair}: two real daemons in one JVM on loopback, with their
 * configuration files ({@code NodeYaml}), admin API clients and recorded hooks; and {@code
 * ChildJvm}, a main class of the test classpath in a JVM of its own (a second daemon, a writer to
 * kill).
 */
package io.switchover.daemon.testing;
