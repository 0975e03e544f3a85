/**
 * The figures of the multi-host fault suite (issue 7), as programs run on demand, never by {@code
 * mvn verify}: {@link io.switchover.it.bench.TakeoverBench} (takeover scenarios 1-5, N times, per
 * timing profile) and {@link io.switchover.it.bench.HealthySoak} (a healthy pair under CPU load,
 * counting false takeovers). Both reuse the test bed ({@code io.switchover.it.bed}) and add their
 * own configuration, faults and re-arming here, so the bed stays as the scenarios use it.
 */
package io.switchover.it.bench;
