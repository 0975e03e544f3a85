package io.switchover.daemon.snmp;

import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code snmp} section, validated.
 *
 * @param engineId the SNMPv3 engine ID configured ({@code snmp.engine-id}); empty for the one
 *     {@link EngineIds#derive} makes from the cluster and node names
 * @param queueSize events waiting to be sent before the oldest is dropped
 * @param receivers every SNMP manager that receives the traps; none turns SNMP off
 */
public record SnmpSettings(
        Optional<EngineId> engineId, int queueSize, List<SnmpReceiver> receivers) {

    public static final int DEFAULT_QUEUE_SIZE = 1000;

    /** No receivers: nothing is sent and no socket is opened. */
    public static final SnmpSettings NONE =
            new SnmpSettings(Optional.empty(), DEFAULT_QUEUE_SIZE, List.of());

    public SnmpSettings {
        Objects.requireNonNull(engineId, "engineId");
        receivers = List.copyOf(receivers);
        if (queueSize < 1) {
            throw new IllegalArgumentException("queueSize " + queueSize + " < 1");
        }
    }

    public boolean enabled() {
        return !receivers.isEmpty();
    }

    /** An SNMP engine ID: 5 to 32 octets (RFC 3411's SnmpEngineID). */
    public record EngineId(byte[] octets) {
        public static final int MIN_OCTETS = 5;
        public static final int MAX_OCTETS = 32;

        public EngineId {
            octets = octets.clone();
            if (octets.length < MIN_OCTETS || octets.length > MAX_OCTETS) {
                throw new IllegalArgumentException(
                        "an engine ID has " + MIN_OCTETS + " to " + MAX_OCTETS + " octets");
            }
        }

        @Override
        public byte[] octets() {
            return octets.clone();
        }

        /** {@code 0x80007ed904...}, as Net-SNMP's {@code createUser -e} takes it. */
        public String hex() {
            return "0x" + HexFormat.of().formatHex(octets);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EngineId e && java.util.Arrays.equals(octets, e.octets);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(octets);
        }

        @Override
        public String toString() {
            return hex();
        }
    }
}
