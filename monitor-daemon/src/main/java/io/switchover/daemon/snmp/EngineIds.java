package io.switchover.daemon.snmp;

import io.switchover.daemon.snmp.SnmpSettings.EngineId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SNMPv3 engine IDs: parsing the configured one and deriving the default.
 *
 * <p>The default follows RFC 3411's format for an enterprise's engine IDs: {@code 0x80}, the
 * Private Enterprise Number (32473, the documentation number the MIB sits under), then format 4
 * (text) and {@code cluster/node} when that fits in 27 octets, else format 5 (octets) and the first
 * 27 octets of its SHA-256. It depends only on the configuration, so it survives a reinstall and
 * both nodes can be configured on the receiver before they start; it differs between the two nodes
 * of a pair and between pairs with different cluster names.
 */
public final class EngineIds {

    /** The documentation Private Enterprise Number (RFC 5612), as in SWITCHOVER-MIB. */
    static final int ENTERPRISE = 32473;

    private static final int MAX_TEXT = SnmpSettings.EngineId.MAX_OCTETS - 5;

    private EngineIds() {}

    /** This node's default engine ID. */
    public static EngineId derive(String cluster, String nodeId) {
        byte[] text = (cluster + "/" + nodeId).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | (ENTERPRISE >>> 24));
        out.write(ENTERPRISE >>> 16);
        out.write(ENTERPRISE >>> 8);
        out.write(ENTERPRISE);
        if (text.length <= MAX_TEXT) {
            out.write(4);
            out.writeBytes(text);
        } else {
            out.write(5);
            out.writeBytes(Arrays.copyOf(sha256(text), MAX_TEXT));
        }
        return new EngineId(out.toByteArray());
    }

    /**
     * Parses {@code snmp.engine-id}: hexadecimal, with or without {@code 0x}, 5 to 32 octets.
     *
     * @throws IllegalArgumentException with a message that follows the value
     */
    public static EngineId parse(String text) {
        String rule =
                "must be 5 to 32 octets in hexadecimal, e.g. 0x80007ed9046d79706169722f6e6f64652d61";
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (digits.length() % 2 != 0
                || digits.length() < 2 * EngineId.MIN_OCTETS
                || digits.length() > 2 * EngineId.MAX_OCTETS) {
            throw new IllegalArgumentException(rule);
        }
        try {
            return new EngineId(HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException notHex) {
            throw new IllegalArgumentException(rule);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
