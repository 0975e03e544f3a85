/**
 * Plain network reachability for the core's {@link io.switchover.core.port.NetworkProbe}: ICMP echo
 * when the process is privileged for it, TCP connect otherwise or when a target asks for it ({@code
 * tcp:host:port}), and the local gateways enumerated from the kernel's routing tables.
 *
 * <p>Startup decides once how plain addresses are probed ({@link
 * io.switchover.daemon.probe.ProbePlan}) and says so in the log, because the JDK's own fallback
 * (TCP port 7 when ICMP is not permitted) is silent and would make an operator trust pings that
 * never happened.
 *
 * <p>What does not live here: what a probe result means. Whether a gateway that does not answer
 * forbids a takeover is decided in the core's {@code diagnosis} package.
 */
package io.switchover.daemon.probe;
