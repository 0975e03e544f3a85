package io.switchover.core.port;

/** The result of one ICMP-style ping of an address. */
public enum Reachability {
    REACHABLE,
    UNREACHABLE;

    public boolean reachable() {
        return this == REACHABLE;
    }
}
