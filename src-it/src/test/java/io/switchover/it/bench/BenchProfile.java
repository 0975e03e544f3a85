package io.switchover.it.bench;

import io.switchover.it.bed.FastProfile;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The timings a bench run writes into both nodes' configurations, as {@code section.key: value}.
 * Keys a profile leaves out take the daemon's own defaults.
 *
 * <ul>
 *   <li>{@link #defaults()}: no timing key at all, so every duration and count is the daemon's
 *       default (the source's, see docs/timing.md). Only the startup is as the daemon's.
 *   <li>{@link #fast()}: a sub-second profile tuned for a takeover under 500 ms in every scenario
 *       of the suite; each value and why it was chosen is in docs/benchmarks.md.
 * </ul>
 */
record BenchProfile(String name, Map<String, String> keys) {

    static BenchProfile of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fast" -> fast();
            case "defaults", "default" -> defaults();
            default ->
                    throw new IllegalArgumentException(
                            "bench.profile: '" + name + "' is not a profile (fast, defaults)");
        };
    }

    static BenchProfile defaults() {
        return new BenchProfile("defaults", Map.of());
    }

    static BenchProfile fast() {
        Map<String, String> k = new LinkedHashMap<>();
        // Notifier pings: frequent, so a dropped connection is seen soon; the idle timeout below
        // ends a silent connection long before the pings' own timeouts add up (50 + 4 x 250 ms).
        k.put("ping.delay", "50ms");
        k.put("ping.timeout", "250ms");
        k.put("ping.retry-max", "3");
        // Transport: a frozen or cut peer is noticed after 400 ms without a frame; keepalives every
        // 100 ms leave room for three late ones. 200 and 300 ms dropped healthy connections on the
        // loaded 2-core machine (a JVM warming up next to other builds), see docs/benchmarks.md.
        k.put("notifier.keepalive-interval", "100ms");
        k.put("notifier.idle-timeout", "400ms");
        k.put("notifier.reconnect-initial", "20ms");
        k.put("notifier.reconnect-max", "200ms");
        // Reconnecting: four attempts 100 ms apart give the transport 400 ms to repair a dropped
        // connection before the backup concludes the notifier is gone; 3 x 50 ms was shorter than
        // a reconnect under load and promoted a backup next to a healthy primary.
        k.put("reconnect.attempts", "4");
        k.put("reconnect.attempt-delay", "100ms");
        k.put("reconnect.interval", "3s");
        // Diagnosis: ICMP between two hosts on one LAN answers in well under a millisecond.
        k.put("peer.host-ping-timeout", "50ms");
        k.put("nettest.timeout", "50ms");
        // Module: a failing check answers at once (REJECTED), so the retry delay is what counts.
        k.put("module.ping-interval", "100ms");
        k.put("module.ping-timeout", "250ms");
        k.put("module.retry-delay", "25ms");
        k.put("module.max-failures", "2");
        k.put("module.confirm-pings", "1");
        k.put("module.monitor-poll-interval", "1s");
        k.put("stall.threshold", "250ms");
        // Startup only: two JVMs booting on a loaded 2-core machine still find each other.
        k.put("startup.window", "6s");
        k.put("handover.timeout", "5s");
        return new BenchProfile("fast", k);
    }

    Duration duration(String key, String daemonDefault) {
        String v = keys.getOrDefault(key, daemonDefault);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        throw new IllegalStateException(key + ": not a duration: " + v);
    }

    int count(String key, int daemonDefault) {
        return keys.containsKey(key) ? Integer.parseInt(keys.get(key)) : daemonDefault;
    }

    Duration startupWindow() {
        return duration("startup.window", "30s");
    }

    /**
     * The longest any takeover scenario may take with this profile: the slowest class of
     * docs/timing.md (module down, or a silent hang with connections up) plus a diagnosis. The
     * bench waits three times this long before it calls a run failed.
     */
    Duration takeoverBound() {
        Duration d = duration("ping.delay", "2s");
        Duration t = duration("ping.timeout", "5s");
        int r = count("ping.retry-max", 3);
        int a = count("reconnect.attempts", 5);
        Duration ad = duration("reconnect.attempt-delay", "2s");
        Duration i = duration("reconnect.interval", "60s");
        Duration h = duration("peer.host-ping-timeout", "1s");
        Duration nt = duration("nettest.timeout", "1s");
        Duration reconnecting = ad.plus(t).multipliedBy(a);
        if (reconnecting.compareTo(i) > 0) {
            reconnecting = i;
        }
        Duration hang = d.plus(t.multipliedBy(r + 1L)).plus(h).plus(nt).plus(reconnecting);
        Duration pm = duration("module.ping-interval", "2s");
        Duration tm = duration("module.ping-timeout", "10s");
        Duration dm = duration("module.retry-delay", "1s");
        int f = count("module.max-failures", 2);
        int c = count("module.confirm-pings", 1);
        Duration module =
                pm.plus(tm.multipliedBy(2L * f + c))
                        .plus(dm.multipliedBy(2L * f - 1 + Math.max(c - 1, 0)))
                        .plus(h)
                        .plus(nt);
        return hang.compareTo(module) > 0 ? hang : module;
    }

    /** What the bed's own pair start needs (it reads the startup window from it). */
    FastProfile bedProfile() {
        return new FastProfile(
                duration("ping.delay", "2s"),
                duration("ping.timeout", "5s"),
                count("ping.retry-max", 3),
                duration("peer.host-ping-timeout", "1s"),
                duration("nettest.timeout", "1s"),
                count("reconnect.attempts", 5),
                duration("reconnect.attempt-delay", "2s"),
                duration("reconnect.interval", "60s"),
                startupWindow());
    }

    /** One line per key, for the bench's header. */
    String describe() {
        if (keys.isEmpty()) {
            return name + ": every timing at the daemon's default (docs/configuration.md)";
        }
        StringBuilder sb = new StringBuilder(name + ":");
        keys.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }
}
