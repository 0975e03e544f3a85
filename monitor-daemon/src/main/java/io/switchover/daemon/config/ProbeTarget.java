package io.switchover.daemon.config;

/**
 * How one address is probed at the network level (gateways, NetTest addresses, the peer's host).
 * Written either as a plain address, probed the way {@code probe.mode} says, or as {@code
 * tcp:host:port}, always probed by a TCP connect: the way through for hosts or processes that
 * cannot use ICMP.
 */
public sealed interface ProbeTarget {

    String FORMS = "a host name, an IP address or tcp:host:port";

    /** The host whose reachability this target stands for. */
    String host();

    /**
     * Parses a written target.
     *
     * @throws IllegalArgumentException saying what is wrong and what is allowed
     */
    static ProbeTarget parse(String text) {
        if (text.startsWith("tcp:")) {
            try {
                return new TcpConnect(HostPort.parse(text.substring("tcp:".length())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        e.getMessage() + " (a TCP probe is written tcp:host:port)");
            }
        }
        int colon = text.indexOf(':');
        if (colon > 0) {
            String prefix = text.substring(0, colon);
            boolean word = prefix.chars().allMatch(Character::isLetter);
            boolean hex = prefix.chars().allMatch(c -> Character.digit(c, 16) >= 0);
            if (word && !hex) {
                // Not the start of an IPv6 address: a probe type we do not have (udp:, icmp:).
                throw new IllegalArgumentException(
                        "has an unknown probe type '" + prefix + ":': must be " + FORMS);
            }
        }
        try {
            return new Address(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ": must be " + FORMS);
        }
    }

    /**
     * A plain address: ICMP echo or a TCP connect to {@code probe.tcp-port}, per {@code
     * probe.mode}.
     */
    record Address(String host) implements ProbeTarget {
        public Address {
            HostPort.requireHost(host);
        }

        @Override
        public String toString() {
            return host;
        }
    }

    /** Always a TCP connect to this port, whatever {@code probe.mode} says. */
    record TcpConnect(HostPort target) implements ProbeTarget {
        @Override
        public String host() {
            return target.host();
        }

        @Override
        public String toString() {
            return "tcp:" + target;
        }
    }
}
