/**
 * The ports: the only way the core touches the world. The daemon implements them with sockets,
 * ICMP, files and scripts; tests implement them with simulations in virtual time.
 *
 * <p>Threading contract for every implementation: the core calls ports only from its single
 * executor; every callback a port receives is invoked later on that same executor, exactly once,
 * and never synchronously from inside the call that registered it. A request whose {@link
 * io.switchover.core.time.Cancellable} was cancelled may complete as cancelled or not at all.
 *
 * <p>What does not live here: decisions. A port reports facts (this ping timed out, that address
 * answered); what they mean is decided in {@code diagnosis}, {@code monitor} and {@code state}.
 */
package io.switchover.core.port;
