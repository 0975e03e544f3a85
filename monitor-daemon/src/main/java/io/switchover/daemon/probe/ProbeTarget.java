package io.switchover.daemon.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * An address the daemon probes (a gateway, a NetTest address, the primary's host), as written in
 * configuration:
 *
 * <ul>
 *   <li>a plain host name or IP address ({@code 10.0.0.1}, {@code fd00::1}, {@code fe80::1%eth0},
 *       {@code db1.example.com}): probed by ICMP echo, or by TCP connect to the default port when
 *       the process is not privileged for ICMP (see {@link ProbePlan});
 *   <li>{@code tcp:HOST:PORT} ({@code tcp:10.0.0.1:22}, {@code tcp:[fd00::1]:22}): always probed by
 *       TCP connect to that port, whatever the privilege.
 * </ul>
 *
 * Host names are kept as names and resolved at probe time, so a DNS change is followed without a
 * restart. Parsing never touches the network.
 */
public sealed interface ProbeTarget {

    /** A host name or an IP literal (IPv6 without brackets, possibly with a {@code %zone}). */
    String host();

    /** The target as written in configuration; {@link #parse} of it gives this target back. */
    String text();

    /** A plain address: ICMP echo, or TCP connect to the default port without privilege. */
    record Plain(String host) implements ProbeTarget {
        public Plain {
            host = ProbeTarget.checkedHost(host, host);
        }

        @Override
        public String text() {
            return host;
        }

        @Override
        public String toString() {
            return text();
        }
    }

    /** {@code tcp:HOST:PORT}: a TCP connect to {@code port}, whatever the privilege. */
    record Tcp(String host, int port) implements ProbeTarget {
        public Tcp {
            host = ProbeTarget.checkedHost(host, host);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "port " + port + " of '" + host + "' is outside [1, 65535]");
            }
        }

        @Override
        public String text() {
            return "tcp:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }

        @Override
        public String toString() {
            return text();
        }
    }

    /**
     * Parses a probe target.
     *
     * @throws IllegalArgumentException with a message that quotes {@code text}, says what is wrong
     *     and how to write it
     */
    static ProbeTarget parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(
                    "probe target is empty: write a host, an IP address" + " or tcp:HOST:PORT");
        }
        String t = text.strip();
        if (t.regionMatches(true, 0, "tcp:", 0, 4)) {
            return parseTcp(t);
        }
        if (t.startsWith("[") && t.endsWith("]")) {
            return new Plain(checkedHost(t.substring(1, t.length() - 1), t));
        }
        int colons = (int) t.chars().filter(c -> c == ':').count();
        if (colons > 0 && !(colons >= 2 && looksLikeIpv6(t))) {
            String before = t.substring(0, t.indexOf(':'));
            String after = t.substring(t.indexOf(':') + 1);
            if (colons == 1 && !after.isEmpty() && after.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException(
                        "'"
                                + t
                                + "' looks like HOST:PORT; write tcp:"
                                + t
                                + " for a TCP-connect probe, or the host alone for ICMP echo");
            }
            throw new IllegalArgumentException(
                    "unknown probe type '"
                            + before
                            + "' in '"
                            + t
                            + "': write a plain host or IP address (ICMP echo) or tcp:HOST:PORT");
        }
        return new Plain(checkedHost(t, t));
    }

    /** Only IPv6 literal characters before any {@code %zone}: not a {@code type:} prefix. */
    private static boolean looksLikeIpv6(String t) {
        int percent = t.indexOf('%');
        String address = percent < 0 ? t : t.substring(0, percent);
        return address.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    }

    private static ProbeTarget parseTcp(String t) {
        String rest = t.substring(4);
        String host;
        String port;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(
                        "'" + t + "' has no closing ']' after the IPv6 address");
            }
            host = rest.substring(1, close);
            String tail = rest.substring(close + 1);
            if (!tail.startsWith(":")) {
                throw new IllegalArgumentException(
                        "'" + t + "' has no port: write tcp:[IPV6]:PORT, e.g. tcp:[fd00::1]:22");
            }
            port = tail.substring(1);
        } else {
            int first = rest.indexOf(':');
            if (first < 0) {
                throw new IllegalArgumentException(
                        "'" + t + "' has no port: write tcp:HOST:PORT, e.g. tcp:" + rest + ":22");
            }
            if (rest.indexOf(':', first + 1) >= 0) {
                throw new IllegalArgumentException(
                        "'"
                                + t
                                + "': an IPv6 address in a tcp: target goes in brackets, e.g."
                                + " tcp:[fd00::1]:22");
            }
            host = rest.substring(0, first);
            port = rest.substring(first + 1);
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(
                    "'" + t + "': port '" + port + "' is not a number in [1, 65535]");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException(
                    "'" + t + "': port " + number + " is outside [1, 65535]");
        }
        return new Tcp(checkedHost(host, t), number);
    }

    /** Validates a host (name, IPv4 or IPv6 literal) without any lookup; returns it stripped. */
    private static String checkedHost(String host, String original) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("'" + original + "' has no host");
        }
        String h = host.strip();
        if (h.indexOf(':') >= 0) {
            return checkedIpv6(h, original);
        }
        if (h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return checkedIpv4(h, original);
        }
        return checkedHostName(h, original);
    }

    private static String checkedIpv4(String h, String original) {
        String[] parts = h.split("\\.", -1);
        boolean valid = parts.length == 4;
        for (int i = 0; valid && i < parts.length; i++) {
            valid =
                    !parts[i].isEmpty()
                            && parts[i].length() <= 3
                            && Integer.parseInt(parts[i]) < 256;
        }
        if (!valid) {
            throw new IllegalArgumentException(
                    "'" + original + "': '" + h + "' is not an IPv4 address (four numbers 0-255)");
        }
        return h;
    }

    private static String checkedIpv6(String h, String original) {
        int percent = h.indexOf('%');
        String address = percent < 0 ? h : h.substring(0, percent);
        String zone = percent < 0 ? null : h.substring(percent + 1);
        boolean syntax =
                !address.isEmpty()
                        && address.chars()
                                .allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)
                        && (Character.digit(address.charAt(0), 16) >= 0
                                || address.charAt(0) == ':');
        if (syntax) {
            try {
                // Only hex digits, colons and dots starting with a hex digit or a colon: the JDK
                // parses this as an IPv6 literal and never asks DNS.
                InetAddress.getByName(address);
            } catch (UnknownHostException e) {
                syntax = false;
            }
        }
        if (!syntax) {
            throw new IllegalArgumentException(
                    "'" + original + "': '" + address + "' is not an IPv6 address");
        }
        if (zone != null
                && (zone.isEmpty()
                        || !zone.chars()
                                .allMatch(
                                        c ->
                                                Character.isLetterOrDigit(c)
                                                        || c == '-'
                                                        || c == '_'
                                                        || c == '.'))) {
            throw new IllegalArgumentException(
                    "'" + original + "': '" + zone + "' is not an interface name for the zone");
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static String checkedHostName(String h, String original) {
        boolean valid = h.length() <= 253 && !h.startsWith(".") && !h.contains("..");
        String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        for (String label : name.split("\\.", -1)) {
            valid &=
                    !label.isEmpty()
                            && label.length() <= 63
                            && !label.startsWith("-")
                            && !label.endsWith("-")
                            && label.chars()
                                    .allMatch(
                                            c ->
                                                    (c < 128 && Character.isLetterOrDigit(c))
                                                            || c == '-'
                                                            || c == '_');
        }
        if (!valid) {
            throw new IllegalArgumentException(
                    "'"
                            + original
                            + "': '"
                            + h
                            + "' is not a valid host name (letters, digits, '-' and '.')");
        }
        return h;
    }
}
