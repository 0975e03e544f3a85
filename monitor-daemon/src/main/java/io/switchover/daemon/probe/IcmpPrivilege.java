package io.switchover.daemon.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether this process may send real ICMP echo requests, and why we think so.
 *
 * <p>{@link java.net.InetAddress#isReachable(int)} opens a raw ICMP socket, which Linux allows only
 * with {@code CAP_NET_RAW} in the effective set (root normally has it, a container's root may not).
 * Without it the JDK silently tries a TCP connection to port 7 instead. The effective capability
 * set is therefore the test; the effective uid is used only when the kernel does not report
 * capabilities.
 *
 * @param granted whether ICMP echo can be sent
 * @param basis what the decision rests on, for the startup message
 */
public record IcmpPrivilege(boolean granted, String basis) {

    /** Bit 13 of the capability sets in {@code /proc/<pid>/status}. */
    static final int CAP_NET_RAW = 13;

    /** Reads this process's privilege from {@code /proc/self/status}. */
    public static IcmpPrivilege detect() {
        return detect(Path.of("/proc/self/status"));
    }

    /** Reads the privilege from a file in the format of {@code /proc/self/status}. */
    public static IcmpPrivilege detect(Path status) {
        List<String> lines;
        try {
            lines = Files.readAllLines(status);
        } catch (IOException e) {
            return new IcmpPrivilege(
                    false, "cannot read " + status + " to check for CAP_NET_RAW (" + e + ")");
        }
        for (String line : lines) {
            if (line.startsWith("CapEff:")) {
                String hex = line.substring("CapEff:".length()).strip();
                long effective;
                try {
                    effective = Long.parseUnsignedLong(hex, 16);
                } catch (NumberFormatException e) {
                    return new IcmpPrivilege(false, "unreadable CapEff '" + hex + "' in " + status);
                }
                return (effective & (1L << CAP_NET_RAW)) != 0
                        ? new IcmpPrivilege(true, "CAP_NET_RAW is in the effective capabilities")
                        : new IcmpPrivilege(false, "no CAP_NET_RAW in the effective capabilities");
            }
        }
        for (String line : lines) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring("Uid:".length()).strip().split("\\s+");
                // Real, effective, saved, filesystem: the effective uid decides.
                boolean root = ids.length > 1 && ids[1].equals("0");
                return new IcmpPrivilege(
                        root,
                        root
                                ? "effective uid 0 (root)"
                                : "not root (effective uid "
                                        + (ids.length > 1 ? ids[1] : "?")
                                        + ")");
            }
        }
        return new IcmpPrivilege(false, "neither CapEff nor Uid in " + status);
    }
}
