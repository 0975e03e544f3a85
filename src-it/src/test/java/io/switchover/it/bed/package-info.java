/**
 * The multi-host test bed: three network namespaces as hosts (node-a, node-b, the gateway and
 * NetTest host), the packaged daemon running in each node's namespace, faults injected for real
 * (kill -9 by pid, link down, iptables inside a namespace), and cleanup that holds when a test
 * fails or the JVM dies. Scenarios live in {@code io.switchover.it.scenario}; nothing here decides
 * what a scenario expects. See {@code docs/integration-tests.md}.
 */
package io.switchover.it.bed;
