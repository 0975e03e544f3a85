/**
 * Metrics through Micrometer, exported in Prometheus text format on the admin API: role and
 * generation, transitions and switchovers by cause, ping round trips and outcomes, connection
 * states, notifier closes by reason, replication lag. Counting only; no decisions.
 */
package io.switchover.daemon.metrics;
