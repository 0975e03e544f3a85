package io.switchover.notifier.handshake;

import java.time.Duration;
import java.util.List;

/**
 * What one endpoint needs to run handshakes.
 *
 * @param sharedSecret the pair's shared secret, or {@code null} when only TLS authenticates
 * @param tls whether connections run over mutual TLS
 * @param maxFrameLength the frame limit once a connection is authenticated
 */
public record HandshakeSettings(
        String cluster,
        String node,
        String release,
        List<String> capabilities,
        byte[] sharedSecret,
        boolean tls,
        int maxFrameLength,
        Duration timeout,
        PeerPolicy policy) {
    public HandshakeSettings {
        capabilities = List.copyOf(capabilities);
        if (sharedSecret == null && !tls) {
            throw new IllegalArgumentException(
                    "no authentication configured: set a shared secret, TLS, or both");
        }
    }

    /** The method announced in the hello; both sides must announce the same. */
    public String authMethod() {
        if (tls) {
            return sharedSecret == null ? "tls" : "tls+hmac-sha256";
        }
        return "hmac-sha256";
    }
}
