package io.switchover.daemon.probe;

import java.util.Objects;

/**
 * How plain addresses are actually probed, decided once at startup from the configured {@link
 * ProbeMode} and the process's {@link IcmpPrivilege}. Targets written {@code tcp:HOST:PORT} are
 * always probed by TCP connect and do not depend on this plan.
 *
 * @param mode what the configuration asked for
 * @param method what is used for plain addresses
 * @param tcpPort the port a TCP-connect probe of a plain address connects to
 * @param privilege the privilege the decision rests on
 */
public record ProbePlan(ProbeMode mode, Method method, int tcpPort, IcmpPrivilege privilege) {

    /**
     * The port plain addresses are probed on without ICMP. SSH, because a server in an HA pair
     * almost always runs it, and a host without it that is up still answers with a refusal.
     */
    public static final int DEFAULT_TCP_PORT = 22;

    /** The probe used for plain addresses. */
    public enum Method {
        ICMP_ECHO,
        TCP_CONNECT
    }

    public ProbePlan {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(privilege, "privilege");
        if (tcpPort < 1 || tcpPort > 65535) {
            throw new IllegalArgumentException(
                    "probe TCP port " + tcpPort + " is outside [1, 65535]");
        }
        if (method == Method.ICMP_ECHO && !privilege.granted()) {
            throw new IllegalArgumentException("ICMP echo needs privilege: " + privilege.basis());
        }
    }

    /**
     * Decides how plain addresses are probed.
     *
     * @throws IllegalStateException when {@code icmp} is configured and the process cannot send
     *     ICMP echo: a startup error, because silently probing something else is what this class
     *     exists to prevent
     */
    public static ProbePlan resolve(ProbeMode mode, IcmpPrivilege privilege, int tcpPort) {
        return switch (mode) {
            case TCP -> new ProbePlan(mode, Method.TCP_CONNECT, tcpPort, privilege);
            case AUTO ->
                    new ProbePlan(
                            mode,
                            privilege.granted() ? Method.ICMP_ECHO : Method.TCP_CONNECT,
                            tcpPort,
                            privilege);
            case ICMP -> {
                if (!privilege.granted()) {
                    throw new IllegalStateException(
                            "probe mode icmp, but this process is not privileged for ICMP echo ("
                                    + privilege.basis()
                                    + "): run switchoverd as root or grant it CAP_NET_RAW"
                                    + " (systemd: AmbientCapabilities=CAP_NET_RAW), or set the"
                                    + " probe mode to auto or tcp");
                }
                yield new ProbePlan(mode, Method.ICMP_ECHO, tcpPort, privilege);
            }
        };
    }

    /**
     * True when the operator asked for ICMP where possible but does not get it: the startup message
     * is then a warning.
     */
    public boolean icmpUnavailable() {
        return mode == ProbeMode.AUTO && method == Method.TCP_CONNECT;
    }

    /** The line the daemon logs at startup, saying what is used and why. */
    public String startupMessage() {
        if (icmpUnavailable()) {
            return "not privileged for ICMP echo: probing plain addresses with TCP connect to port "
                    + tcpPort
                    + " ("
                    + privilege.basis()
                    + "; run as root or grant CAP_NET_RAW for ICMP, or write tcp:HOST:PORT"
                    + " targets to choose the port)";
        }
        if (method == Method.TCP_CONNECT) {
            return "probe mode tcp: probing plain addresses with TCP connect to port " + tcpPort;
        }
        return "probing plain addresses with ICMP echo (" + privilege.basis() + ")";
    }

    /**
     * How a plain address is probed, for logs: {@code ICMP echo} or {@code TCP connect to port 22}.
     */
    public String describePlain() {
        return method == Method.ICMP_ECHO ? "ICMP echo" : "TCP connect to port " + tcpPort;
    }
}
