/**
 * The two-node simulation: two complete cores, each in its own simulated daemon process ({@link
 * io.switchover.core.simulation.SimulatedNode}: crash, restart, freeze and resume), joined by a
 * simulated network and notifier transport ({@link io.switchover.core.simulation.SimulatedNetwork}:
 * latency, resets, silent cuts, the read-idle timeout, reconnect backoff), all on one virtual
 * clock.
 *
 * <p>{@link io.switchover.core.simulation.PairSimulation} drives it from a seed through a random
 * schedule of faults and checks the pair's invariants; {@code PairSimulationTest} runs ten thousand
 * seeds, each replayable. {@link io.switchover.core.simulation.Pair} drives it step by step, for
 * the regression tests of what the seeds found and for the timing checks of {@code docs/timing.md}
 * ({@code TimingTest}, profiles in {@link io.switchover.core.simulation.Profile}).
 *
 * <p>What does not live here: single-core table tests (package {@code state}) and the single-core
 * test ports (package {@code testing}).
 */
package io.switchover.core.simulation;
