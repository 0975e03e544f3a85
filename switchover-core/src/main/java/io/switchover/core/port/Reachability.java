package io.switchover.core.port;

/** The result of one ICMP-style ping of an address. */
public enum Reachability {
    /** The address answered. */
    REACHABLE,
    /** The probe ran and the address did not answer within the timeout (or cannot be resolved). */
    UNREACHABLE,
    /**
     * The probe could not run at all within its timeout (this process did not give it a thread: a
     * CPU-starved or stuck prober). It says nothing about the address, so the core never counts it
     * as unreachable: it asks again.
     */
    UNKNOWN;

    public boolean reachable() {
        return this == REACHABLE;
    }

    /** Whether the probe ran, so that the answer is evidence about the address either way. */
    public boolean known() {
        return this != UNKNOWN;
    }
}
