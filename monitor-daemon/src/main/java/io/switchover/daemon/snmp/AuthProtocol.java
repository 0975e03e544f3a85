package io.switchover.daemon.snmp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.AuthenticationProtocol;

/**
 * The SNMPv3 authentication protocols a receiver may use (RFC 3414's HMAC-SHA-96 and RFC 7860's
 * HMAC-SHA-2). MD5 is left out on purpose: it is broken and every receiver that speaks SNMPv3 has
 * SHA.
 */
public enum AuthProtocol {
    SHA("sha", "SHA", AuthSHA::new),
    SHA_224("sha-224", "SHA-224", AuthHMAC128SHA224::new),
    SHA_256("sha-256", "SHA-256", AuthHMAC192SHA256::new),
    SHA_384("sha-384", "SHA-384", AuthHMAC256SHA384::new),
    SHA_512("sha-512", "SHA-512", AuthHMAC384SHA512::new);

    /** The protocol when a v3 receiver names none. */
    public static final AuthProtocol DEFAULT = SHA_256;

    private final String configName;
    private final String netSnmpName;
    private final Supplier<AuthenticationProtocol> protocol;

    AuthProtocol(String configName, String netSnmpName, Supplier<AuthenticationProtocol> protocol) {
        this.configName = configName;
        this.netSnmpName = netSnmpName;
        this.protocol = protocol;
    }

    /** As written in the configuration: {@code sha-256}. */
    public String configName() {
        return configName;
    }

    /** As Net-SNMP's {@code createUser} writes it: {@code SHA-256}. */
    public String netSnmpName() {
        return netSnmpName;
    }

    AuthenticationProtocol create() {
        return protocol.get();
    }

    /** The configuration's words, in the order messages list them. */
    public static Map<String, AuthProtocol> byConfigName() {
        Map<String, AuthProtocol> map = new LinkedHashMap<>();
        for (AuthProtocol p : values()) {
            map.put(p.configName, p);
        }
        return Collections.unmodifiableMap(map);
    }
}
