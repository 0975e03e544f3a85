package io.switchover.daemon.snmp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SNMPv3 privacy (encryption) protocols a receiver may use: AES-128 (RFC 3826), or none for
 * authentication without privacy. DES is left out on purpose (broken); AES-192 and AES-256 are left
 * out because their key extension differs between implementations (Blumenthal or Reeder), which
 * would make a receiver reject the traps for reasons no message explains.
 */
public enum PrivProtocol {
    /** authNoPriv: authenticated, not encrypted. */
    NONE("none", null),
    AES_128("aes-128", "AES");

    /** The protocol when a v3 receiver names none. */
    public static final PrivProtocol DEFAULT = AES_128;

    private final String configName;
    private final String netSnmpName;

    PrivProtocol(String configName, String netSnmpName) {
        this.configName = configName;
        this.netSnmpName = netSnmpName;
    }

    /** As written in the configuration: {@code aes-128}. */
    public String configName() {
        return configName;
    }

    /** As Net-SNMP's {@code createUser} writes it ({@code AES}); null for {@link #NONE}. */
    public String netSnmpName() {
        return netSnmpName;
    }

    /** The configuration's words, in the order messages list them. */
    public static Map<String, PrivProtocol> byConfigName() {
        Map<String, PrivProtocol> map = new LinkedHashMap<>();
        for (PrivProtocol p : values()) {
            map.put(p.configName, p);
        }
        return Collections.unmodifiableMap(map);
    }
}
