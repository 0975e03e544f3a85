package io.switchover.notifier.transport;

import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.handshake.HandshakeSettings;
import io.switchover.notifier.handshake.PeerPolicy;
import io.switchover.notifier.message.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a notifier endpoint (server or client) is configured with. Build with {@link
 * #builder(String, String)}; {@link Builder#build()} reports every invalid value at once.
 */
public record NotifierSettings(
        String cluster,
        String nodeId,
        String release,
        List<String> capabilities,
        byte[] sharedSecret,
        TlsSettings tls,
        int maxFrameLength,
        Duration handshakeTimeout,
        Duration keepaliveInterval,
        Duration idleTimeout,
        Backoff reconnect,
        int streamChunkBytes,
        int streamWindowBytes,
        PeerPolicy policy) {

    /** Shortest shared secret accepted. */
    public static final int MIN_SECRET_BYTES = 16;

    public static Builder builder(String cluster, String nodeId) {
        return new Builder(cluster, nodeId);
    }

    HandshakeSettings handshake() {
        return new HandshakeSettings(
                cluster,
                nodeId,
                release,
                capabilities,
                sharedSecret,
                tls != null,
                maxFrameLength,
                handshakeTimeout,
                policy);
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private final String cluster;
        private final String nodeId;
        private String release = "0.1.0";
        private List<String> capabilities = List.of();
        private byte[] sharedSecret;
        private TlsSettings tls;
        private int maxFrameLength = Frame.DEFAULT_MAX_FRAME_LENGTH;
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private Duration keepaliveInterval = Duration.ofSeconds(1);
        private Duration idleTimeout = Duration.ofSeconds(10);
        private Backoff reconnect = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        private int streamChunkBytes = 64 * 1024;
        private int streamWindowBytes = 1024 * 1024;
        private PeerPolicy policy = PeerPolicy.ACCEPT_ALL;

        private Builder(String cluster, String nodeId) {
            this.cluster = cluster;
            this.nodeId = nodeId;
        }

        public Builder release(String release) {
            this.release = release;
            return this;
        }

        public Builder capabilities(List<String> capabilities) {
            this.capabilities = List.copyOf(capabilities);
            return this;
        }

        public Builder sharedSecret(byte[] secret) {
            this.sharedSecret = secret == null ? null : secret.clone();
            return this;
        }

        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        public Builder maxFrameLength(int bytes) {
            this.maxFrameLength = bytes;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder keepaliveInterval(Duration interval) {
            this.keepaliveInterval = interval;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder reconnect(Backoff backoff) {
            this.reconnect = backoff;
            return this;
        }

        public Builder streamChunkBytes(int bytes) {
            this.streamChunkBytes = bytes;
            return this;
        }

        public Builder streamWindowBytes(int bytes) {
            this.streamWindowBytes = bytes;
            return this;
        }

        public Builder policy(PeerPolicy policy) {
            this.policy = policy;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException listing every invalid value
         */
        public NotifierSettings build() {
            List<String> problems = new ArrayList<>();
            name(problems, "cluster", cluster);
            name(problems, "node id", nodeId);
            name(problems, "release", release);
            if (capabilities.size() > 64) {
                problems.add("at most 64 capabilities, got " + capabilities.size());
            }
            capabilities.forEach(c -> name(problems, "capability", c));
            if (sharedSecret == null && tls == null) {
                problems.add("no authentication: configure a shared secret, TLS, or both");
            }
            if (sharedSecret != null && sharedSecret.length < MIN_SECRET_BYTES) {
                problems.add(
                        "shared secret is "
                                + sharedSecret.length
                                + " bytes, needs at least "
                                + MIN_SECRET_BYTES);
            }
            if (maxFrameLength < Frame.PRE_AUTH_MAX_FRAME_LENGTH || maxFrameLength > (1 << 30)) {
                problems.add(
                        "max frame length "
                                + maxFrameLength
                                + " is outside ["
                                + Frame.PRE_AUTH_MAX_FRAME_LENGTH
                                + ", "
                                + (1 << 30)
                                + "]");
            }
            positive(problems, "handshake timeout", handshakeTimeout);
            positive(problems, "keepalive interval", keepaliveInterval);
            positive(problems, "idle timeout", idleTimeout);
            if (keepaliveInterval != null
                    && idleTimeout != null
                    && idleTimeout.compareTo(keepaliveInterval.multipliedBy(2)) < 0) {
                problems.add(
                        "idle timeout "
                                + idleTimeout
                                + " must be at least twice the keepalive"
                                + " interval "
                                + keepaliveInterval);
            }
            if (streamChunkBytes < 1 || streamChunkBytes > maxFrameLength - Frame.HEADER_BYTES) {
                problems.add(
                        "stream chunk size "
                                + streamChunkBytes
                                + " is outside [1, "
                                + (maxFrameLength - Frame.HEADER_BYTES)
                                + "]");
            }
            if (streamWindowBytes < streamChunkBytes) {
                problems.add(
                        "stream window "
                                + streamWindowBytes
                                + " is below the chunk size "
                                + streamChunkBytes);
            }
            Objects.requireNonNull(reconnect, "reconnect");
            Objects.requireNonNull(policy, "policy");
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "invalid notifier settings: " + String.join("; ", problems));
            }
            return new NotifierSettings(
                    cluster,
                    nodeId,
                    release,
                    capabilities,
                    sharedSecret,
                    tls,
                    maxFrameLength,
                    handshakeTimeout,
                    keepaliveInterval,
                    idleTimeout,
                    reconnect,
                    streamChunkBytes,
                    streamWindowBytes,
                    policy);
        }

        private static void name(List<String> problems, String what, String value) {
            try {
                Message.requireName(what, value);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }

        private static void positive(List<String> problems, String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                problems.add(what + " must be > 0, was " + d);
            }
        }
    }
}
