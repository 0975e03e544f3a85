/**
 * The node's role and every decision to change it. {@link io.switchover.core.state.State} holds the
 * transition table; {@link io.switchover.core.state.StateMachine} is the core's entry point for the
 * daemon and records each {@link io.switchover.core.state.Transition} with its {@link
 * io.switchover.core.state.Reason}; {@code Reconnection} holds the four switchover conditions and
 * the isolation guard; {@link io.switchover.core.state.TieBreak} is the one order between the two
 * nodes, and {@link io.switchover.core.state.Generations} the one rule for the generation a
 * promotion takes.
 *
 * <p>What does not live here: pinging and analysing (package {@code monitor}), deciding where a
 * problem is (package {@code diagnosis}), and any I/O (the ports).
 */
package io.switchover.core.state;
