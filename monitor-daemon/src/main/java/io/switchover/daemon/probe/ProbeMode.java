package io.switchover.daemon.probe;

import java.util.Locale;

/**
 * How plain addresses are to be probed, as configured. {@link ProbePlan#resolve} turns it, with the
 * process's actual privilege, into what is used.
 */
public enum ProbeMode {
    /** ICMP echo when the process is privileged for it, TCP connect otherwise. The default. */
    AUTO,
    /** ICMP echo only; without privilege the daemon refuses to start rather than pretend. */
    ICMP,
    /** TCP connect to the default port, even when ICMP would be possible. */
    TCP;

    /** The mode as written in configuration. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code auto}, {@code icmp} or {@code tcp}.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static ProbeMode parse(String text) {
        for (ProbeMode mode : values()) {
            if (mode.configName().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "probe mode '" + text + "' is not one of auto, icmp, tcp");
    }
}
