package io.switchover.core.simulation;

import io.switchover.core.config.CoreConfig;
import java.time.Duration;

/**
 * The two timing profiles of {@code docs/timing.md}: the spec's defaults, and a fast profile for a
 * LAN pair with every duration divided by 20 (100 ms ping delay). Counts (retries, failures,
 * attempts) are the same in both.
 */
enum Profile {
    DEFAULT(1),
    FAST(20);

    /** The network's one-way latency, the same in both profiles: it is physics, not a setting. */
    static final Duration LATENCY = Duration.ofMillis(1);

    private final int speedUp;

    Profile(int speedUp) {
        this.speedUp = speedUp;
    }

    /** A default duration in this profile. */
    Duration scaled(Duration defaultValue) {
        return defaultValue.dividedBy(speedUp);
    }

    /** Every duration of the core's configuration in this profile. */
    CoreConfig.Builder configure(CoreConfig.Builder b) {
        return b.peerHostPingTimeout(scaled(CoreConfig.DEFAULT_PEER_HOST_PING_TIMEOUT))
                .pingDelay(scaled(CoreConfig.DEFAULT_PING_DELAY))
                .pingTimeout(scaled(CoreConfig.DEFAULT_PING_TIMEOUT))
                .modulePingInterval(scaled(CoreConfig.DEFAULT_MODULE_PING_INTERVAL))
                .modulePingTimeout(scaled(CoreConfig.DEFAULT_MODULE_PING_TIMEOUT))
                .moduleRetryDelay(scaled(CoreConfig.DEFAULT_MODULE_RETRY_DELAY))
                .moduleMonitorPollInterval(scaled(CoreConfig.DEFAULT_MODULE_MONITOR_POLL_INTERVAL))
                .reconnectAttemptDelay(scaled(CoreConfig.DEFAULT_RECONNECT_ATTEMPT_DELAY))
                .reconnectInterval(scaled(CoreConfig.DEFAULT_RECONNECT_INTERVAL))
                .startupWindow(scaled(CoreConfig.DEFAULT_STARTUP_WINDOW))
                .gatewayPingTimeout(scaled(CoreConfig.DEFAULT_GATEWAY_PING_TIMEOUT))
                .netTestTimeout(scaled(CoreConfig.DEFAULT_NETTEST_TIMEOUT))
                .handoverTimeout(scaled(CoreConfig.DEFAULT_HANDOVER_TIMEOUT))
                .stallThreshold(scaled(CoreConfig.DEFAULT_STALL_THRESHOLD));
    }

    /**
     * The notifier transport of {@code docs/protocol.md} (read-idle timeout 10 s, backoff 100 ms to
     * 5 s), scaled like the core; {@code idleDetection} false leaves silent connections up.
     */
    Transport transport(boolean idleDetection) {
        return new Transport(
                LATENCY,
                idleDetection ? scaled(Duration.ofSeconds(10)) : Duration.ZERO,
                scaled(Duration.ofMillis(100)),
                scaled(Duration.ofSeconds(5)));
    }
}
