package io.switchover.daemon.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A host and a port as written in the configuration: {@code 127.0.0.1:7400}, {@code
 * node-b.example:7400}, {@code [::1]:7400}. Nothing is resolved here; host names are checked for
 * their form only, so validating a configuration never waits for DNS.
 */
public record HostPort(String host, int port) {

    static final String FORMS = "host:port, e.g. 127.0.0.1:7400 or [::1]:7400";

    public HostPort {
        requireHost(host);
        requirePort(port);
    }

    /**
     * Parses {@code host:port}; an IPv6 address is written in brackets.
     *
     * @throws IllegalArgumentException saying what is wrong and what is allowed
     */
    public static HostPort parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("must be " + FORMS);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("has no port: must be " + FORMS);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException(
                        "is ambiguous: write an IPv6 address in brackets, e.g. [::1]:7400");
            }
        }
        return new HostPort(host, parsePort(port));
    }

    /**
     * Checks that {@code host} is an IPv4 address, an IPv6 address (without brackets) or a host
     * name made of letters, digits, hyphens and underscores in dot-separated labels.
     */
    static String requireHost(String host) {
        Objects.requireNonNull(host, "host");
        String problem = hostProblem(host);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return host;
    }

    static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("has a port that is not a number from 1 to 65535");
        }
        return requirePort(Integer.parseInt(text));
    }

    private static int requirePort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                    "has port " + port + ": must be between 1 and 65535");
        }
        return port;
    }

    /** Whether the host is this machine's loopback: {@code localhost}, 127.0.0.0/8 or ::1. */
    public boolean isLoopback() {
        return isLoopbackHost(host);
    }

    /** Whether the host is the wildcard address (every interface): 0.0.0.0 or ::. */
    public boolean isWildcard() {
        InetAddress literal = literal(host);
        return literal != null && literal.isAnyLocalAddress();
    }

    /**
     * Whether binding both would collide: the same port on the same host, or on a wildcard that
     * covers the other, or on two spellings of loopback.
     */
    public boolean overlaps(HostPort other) {
        if (port != other.port) {
            return false;
        }
        return isWildcard()
                || other.isWildcard()
                || host.equalsIgnoreCase(other.host)
                || (isLoopback() && other.isLoopback());
    }

    /** A socket address for binding or connecting; this resolves a host name (DNS). */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** The written form, which {@link #parse(String)} reads back. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    static boolean isLoopbackHost(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        InetAddress literal = literal(host);
        return literal != null && literal.isLoopbackAddress();
    }

    /** The address of an IP literal, or null for a host name; never performs a DNS lookup. */
    private static InetAddress literal(String host) {
        if (!isIpv4Literal(host) && host.indexOf(':') < 0) {
            return null;
        }
        try {
            // Safe from DNS: only strings already proven to be literals get here.
            if (hostProblem(host) != null) {
                return null;
            }
            return InetAddress.getByName(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String hostProblem(String host) {
        if (host.isEmpty()) {
            return "has no host";
        }
        if (host.indexOf(':') >= 0) {
            // Every IPv6 address has at least two colons; one colon is a host with a port.
            return host.indexOf(':') == host.lastIndexOf(':')
                    ? "must be a host name or IP address, without a port"
                    : ipv6Problem(host);
        }
        if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            return isIpv4Literal(host) ? null : "is not a valid IPv4 address";
        }
        if (host.length() > 253) {
            return "has a host name longer than 253 characters";
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty()
                    || label.length() > 63
                    || label.startsWith("-")
                    || label.endsWith("-")
                    || !label.chars().allMatch(HostPort::isNameChar)) {
                return "is not a valid host name or IP address";
            }
        }
        return null;
    }

    private static boolean isNameChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_';
    }

    private static boolean isIpv4Literal(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty()
                    || part.length() > 3
                    || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String ipv6Problem(String host) {
        String address = host;
        int percent = host.indexOf('%');
        if (percent >= 0) {
            String scope = host.substring(percent + 1);
            if (scope.isEmpty() || !scope.chars().allMatch(HostPort::isNameChar)) {
                return "is not a valid IPv6 address";
            }
            address = host.substring(0, percent);
        }
        boolean literalChars =
                !address.isEmpty()
                        && address.chars()
                                .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!literalChars) {
            return "is not a valid IPv6 address";
        }
        try {
            // Only hex digits, colons and dots: the JDK parses this as a literal, never via DNS.
            InetAddress.getByName("[" + address + "]");
            return null;
        } catch (UnknownHostException e) {
            return "is not a valid IPv6 address";
        }
    }
}
