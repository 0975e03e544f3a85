package io.switchover.it.bed;

import java.time.Duration;

/**
 * The fast-profile timings of {@code config/demo} (sub-second pings), as the suite writes them into
 * each node's configuration, and the takeover bound they imply.
 *
 * <p>{@link #takeoverBound()} is the slowest class of {@code docs/timing.md} (a silent hang: {@code
 * D + (R+1) x T + H + min(A x (Ad+T), I)}) plus one NetTest timeout for the diagnosis: every
 * takeover scenario must finish inside it, and the isolated backup is watched for three times as
 * long.
 */
public record FastProfile(
        Duration pingDelay,
        Duration pingTimeout,
        int pingRetryMax,
        Duration hostPingTimeout,
        Duration nettestTimeout,
        int reconnectAttempts,
        Duration reconnectAttemptDelay,
        Duration reconnectInterval,
        Duration startupWindow) {

    /**
     * The demo's timings; the startup window alone is longer (6 s, not 2 s) so that two JVMs
     * booting on a loaded 2-core machine still find each other: it only affects startup.
     */
    public static FastProfile demo() {
        return new FastProfile(
                Duration.ofMillis(200),
                Duration.ofMillis(500),
                2,
                Duration.ofMillis(200),
                Duration.ofMillis(200),
                3,
                Duration.ofMillis(200),
                Duration.ofSeconds(3),
                Duration.ofSeconds(6));
    }

    public Duration takeoverBound() {
        Duration reconnecting =
                reconnectAttemptDelay.plus(pingTimeout).multipliedBy(reconnectAttempts);
        if (reconnecting.compareTo(reconnectInterval) > 0) {
            reconnecting = reconnectInterval;
        }
        return pingDelay
                .plus(pingTimeout.multipliedBy(pingRetryMax + 1L))
                .plus(hostPingTimeout)
                .plus(nettestTimeout)
                .plus(reconnecting);
    }

    /** The timing sections of a node's YAML, in the schema of docs/configuration.md. */
    String yaml() {
        return """
                ping:
                  delay: %s
                  timeout: %s
                  retry-max: %d
                reconnect:
                  attempts: %d
                  attempt-delay: %s
                  interval: %s
                startup:
                  window: %s
                handover:
                  timeout: 5s
                stall:
                  threshold: 1s
                """
                .formatted(
                        ms(pingDelay),
                        ms(pingTimeout),
                        pingRetryMax,
                        reconnectAttempts,
                        ms(reconnectAttemptDelay),
                        ms(reconnectInterval),
                        ms(startupWindow));
    }

    static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
