package io.switchover.daemon.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local gateways, read from the kernel's routing tables ({@code /proc/net/route} and {@code
 * /proc/net/ipv6_route} on Linux): the next hop of every route that goes through a gateway, on any
 * adapter, default routes first, IPv4 before IPv6, without duplicates.
 *
 * <p>Excluded: routes on the loopback adapter, loopback, unspecified and multicast next hops, and
 * routes that are not up. IPv6 link-local next hops ({@code fe80::/10}) are kept, written with
 * their interface as zone ({@code fe80::1%eth0}): a router learned from router advertisements is
 * always link-local, so excluding them would leave most IPv6 networks without a gateway to ping,
 * and the zone is what makes the address usable.
 */
public final class Gateways {
    private static final Logger log = LoggerFactory.getLogger(Gateways.class);

    /**
     * Route flags shared by both files ({@code include/uapi/linux/route.h}, {@code ipv6_route.h}).
     */
    private static final int RTF_UP = 0x0001;

    private static final int RTF_GATEWAY = 0x0002;

    private Gateways() {}

    /** The gateways of this host, from the real routing tables. */
    public static List<String> enumerate() {
        return enumerate(Path.of("/proc/net/route"), Path.of("/proc/net/ipv6_route"));
    }

    /**
     * The gateways listed in files of the formats of {@code /proc/net/route} and {@code
     * /proc/net/ipv6_route}. A file that does not exist (no IPv6, not Linux) contributes nothing.
     */
    public static List<String> enumerate(Path ipv4Routes, Path ipv6Routes) {
        return enumerate(ipv4Routes, ipv6Routes, ByteOrder.nativeOrder());
    }

    /**
     * As {@link #enumerate(Path, Path)}, reading IPv4 addresses in {@code order}: the kernel prints
     * each address's network-order bytes as one native integer, so the fixture's byte order must be
     * the one of the machine that wrote it.
     */
    static List<String> enumerate(Path ipv4Routes, Path ipv6Routes, ByteOrder order) {
        Set<String> gateways = new LinkedHashSet<>();
        gateways.addAll(parseIpv4(read(ipv4Routes), order));
        gateways.addAll(parseIpv6(read(ipv6Routes)));
        return List.copyOf(gateways);
    }

    /** Gateways of {@code /proc/net/route} lines (the first line is the header). */
    static List<String> parseIpv4(List<String> lines, ByteOrder order) {
        List<String> defaults = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
            String[] f = lines.get(i).strip().split("\\s+");
            if (f.length < 8) {
                skip("/proc/net/route", lines.get(i));
                continue;
            }
            try {
                int flags = Integer.parseInt(f[3], 16);
                if (f[0].equals("lo") || !has(flags, RTF_UP | RTF_GATEWAY)) {
                    continue;
                }
                int gateway = (int) Long.parseLong(f[2], 16);
                InetAddress address =
                        InetAddress.getByAddress(
                                ByteBuffer.allocate(4).order(order).putInt(gateway).array());
                if (!usable(address)) {
                    continue;
                }
                boolean isDefault = Long.parseLong(f[1], 16) == 0 && Long.parseLong(f[7], 16) == 0;
                (isDefault ? defaults : others).add(address.getHostAddress());
            } catch (NumberFormatException | UnknownHostException e) {
                skip("/proc/net/route", lines.get(i));
            }
        }
        defaults.addAll(others);
        return defaults;
    }

    /** Gateways of {@code /proc/net/ipv6_route} lines (no header). */
    static List<String> parseIpv6(List<String> lines) {
        List<String> defaults = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            // dest dest-prefix-len src src-prefix-len next-hop metric refcnt use flags iface
            String[] f = line.strip().split("\\s+");
            if (f.length < 10 || f[4].length() != 32) {
                skip("/proc/net/ipv6_route", line);
                continue;
            }
            try {
                int flags = (int) Long.parseLong(f[8], 16);
                String iface = f[9];
                if (iface.equals("lo") || !has(flags, RTF_UP | RTF_GATEWAY)) {
                    continue;
                }
                byte[] raw = hexBytes(f[4]);
                InetAddress address = InetAddress.getByAddress(raw);
                if (!usable(address)) {
                    continue;
                }
                String text = ipv6Text(raw);
                if (address.isLinkLocalAddress()) {
                    text += "%" + iface;
                }
                boolean isDefault = Integer.parseInt(f[1], 16) == 0;
                (isDefault ? defaults : others).add(text);
            } catch (NumberFormatException | UnknownHostException e) {
                skip("/proc/net/ipv6_route", line);
            }
        }
        defaults.addAll(others);
        return defaults;
    }

    private static boolean has(int flags, int required) {
        return (flags & required) == required;
    }

    private static boolean usable(InetAddress a) {
        return !a.isAnyLocalAddress() && !a.isLoopbackAddress() && !a.isMulticastAddress();
    }

    private static byte[] hexBytes(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    /**
     * RFC 5952 text of a 16-byte address ({@code fd00::1}), because the JDK's uncompressed form
     * ({@code fd00:0:0:0:0:0:0:1}) is not what operators write or grep for.
     */
    static String ipv6Text(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            log.debug("no routing table at {}: no gateways from it", file);
            return List.of();
        } catch (IOException e) {
            log.warn(
                    "cannot read the routing table {}: no gateways from it ({})",
                    file,
                    e.toString());
            return List.of();
        }
    }

    private static void skip(String file, String line) {
        log.warn(
                "ignoring a line of {} that is not in the expected format: '{}'",
                file,
                line.strip());
    }
}
