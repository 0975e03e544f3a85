package io.switchover.daemon.config;

import java.util.Locale;

/** How plain probe addresses are probed ({@code probe.mode}). */
public enum ProbeMode {
    /** ICMP echo when the process may send it, else a TCP connect; the daemon says which. */
    AUTO,
    /** ICMP echo only: the operator rules out the TCP fallback. */
    ICMP,
    /** TCP connect to {@code probe.tcp-port}; needs no privilege (the demo pair uses it). */
    TCP;

    /** The word in the configuration file. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
