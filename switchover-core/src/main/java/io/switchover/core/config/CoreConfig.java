package io.switchover.core.config;

import io.switchover.core.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every parameter of the core, with the spec's defaults.
 *
 * <p>Constructing a record checks only for nulls; {@link #validate()} checks ranges and reports
 * every problem at once, so an operator fixes a file in one pass. The core refuses an invalid
 * configuration ({@link #requireValid()}). Ranges go down to a millisecond so that fast profiles
 * (tests, LAN pairs with 100 ms pings) are expressible.
 *
 * @param nodeId this node's name, unique within the pair
 * @param tieBreakRank this node's place in the pair, {@code 0} or {@code 1}; the two nodes must
 *     have different ranks (a peer with the same rank is refused as misconfigured, like one with
 *     the same id). When both nodes start together, rank 0 becomes primary. Each node also takes
 *     its generations only from its rank's class, even numbers for rank 0 and odd for rank 1, so
 *     two primaries can never hold the same generation ({@code state.Generations} has the rule).
 * @param peerHost the peer's host, pinged at the network level (independent of the daemon)
 * @param peerHostPingTimeout how long one ping of the peer's host may take
 * @param pingDelay pause between two notifier pings
 * @param pingTimeout how long a notifier ping may take before it is a timeout
 * @param pingRetryMax retry pings sent after failures before error processing starts
 * @param modulePingInterval pause between two routine module pings
 * @param modulePingTimeout how long a module ping may take (seed: Switchover TS Timeout)
 * @param moduleRetryDelay pause after a failed module ping (Switchover TS Failure Retry Delay)
 * @param moduleMaxFailures failures on one connection before the module monitor gives up on it
 *     (Switchover Max TS Failures); reset by every success
 * @param moduleConfirmPings extra module pings over the main connection, after the module monitor
 *     signalled "module down", before the network is checked
 * @param moduleMonitorPollInterval how often the state machine asks whether the module monitor is
 *     still alive
 * @param reconnectAttempts notifier pings tried while reconnecting before switching over
 * @param reconnectAttemptDelay pause between two reconnect attempts
 * @param reconnectInterval longest time spent reconnecting before switching over
 * @param unreachablePrimaryPingDelay zero (the default, legacy behaviour) switches at once when the
 *     primary's host is unreachable; otherwise the pause between pings of that host while waiting
 *     for it to come back
 * @param unreachablePrimaryPingCount pings of an unreachable primary before switching over; zero
 *     waits indefinitely (only meaningful with a non-zero delay)
 * @param startupWindow how long a starting node looks for its peer before it becomes primary
 * @param gatewayPingEnabled whether the backup pings its local gateways to judge its own network
 *     (off by default: many gateways drop ICMP)
 * @param gatewayPingTimeout how long one gateway ping may take
 * @param netTestAddresses addresses whose reachability proves the backup's own network is fine
 * @param netTestTimeout how long one NetTest ping may take
 * @param handoverTimeout longest time a manual (controlled) switchover may take, draining included,
 *     before it is abandoned and the primary resumes
 * @param stallThreshold a core timer that runs later than this was delayed by a stall of the core
 *     itself (a JVM pause, a frozen VM); what it measured is re-checked before it is acted on
 */
public record CoreConfig(
        String nodeId,
        int tieBreakRank,
        String peerHost,
        Duration peerHostPingTimeout,
        Duration pingDelay,
        Duration pingTimeout,
        int pingRetryMax,
        Duration modulePingInterval,
        Duration modulePingTimeout,
        Duration moduleRetryDelay,
        int moduleMaxFailures,
        int moduleConfirmPings,
        Duration moduleMonitorPollInterval,
        int reconnectAttempts,
        Duration reconnectAttemptDelay,
        Duration reconnectInterval,
        Duration unreachablePrimaryPingDelay,
        int unreachablePrimaryPingCount,
        Duration startupWindow,
        boolean gatewayPingEnabled,
        Duration gatewayPingTimeout,
        List<String> netTestAddresses,
        Duration netTestTimeout,
        Duration handoverTimeout,
        Duration stallThreshold) {

    public static final Duration DEFAULT_PEER_HOST_PING_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PING_DELAY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_PING_RETRY_MAX = 3;
    public static final Duration DEFAULT_MODULE_PING_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_MODULE_PING_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MODULE_RETRY_DELAY = Duration.ofSeconds(1);
    public static final int DEFAULT_MODULE_MAX_FAILURES = 2;
    public static final int DEFAULT_MODULE_CONFIRM_PINGS = 1;
    public static final Duration DEFAULT_MODULE_MONITOR_POLL_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_RECONNECT_ATTEMPTS = 5;
    public static final Duration DEFAULT_RECONNECT_ATTEMPT_DELAY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_UNREACHABLE_PRIMARY_PING_DELAY = Duration.ZERO;
    public static final int DEFAULT_UNREACHABLE_PRIMARY_PING_COUNT = 0;
    public static final Duration DEFAULT_STARTUP_WINDOW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_GATEWAY_PING_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_NETTEST_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HANDOVER_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STALL_THRESHOLD = Duration.ofSeconds(5);

    private static final Duration MS = Duration.ofMillis(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);

    public CoreConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(peerHost, "peerHost");
        Objects.requireNonNull(peerHostPingTimeout, "peerHostPingTimeout");
        Objects.requireNonNull(pingDelay, "pingDelay");
        Objects.requireNonNull(pingTimeout, "pingTimeout");
        Objects.requireNonNull(modulePingInterval, "modulePingInterval");
        Objects.requireNonNull(modulePingTimeout, "modulePingTimeout");
        Objects.requireNonNull(moduleRetryDelay, "moduleRetryDelay");
        Objects.requireNonNull(moduleMonitorPollInterval, "moduleMonitorPollInterval");
        Objects.requireNonNull(reconnectAttemptDelay, "reconnectAttemptDelay");
        Objects.requireNonNull(reconnectInterval, "reconnectInterval");
        Objects.requireNonNull(unreachablePrimaryPingDelay, "unreachablePrimaryPingDelay");
        Objects.requireNonNull(startupWindow, "startupWindow");
        Objects.requireNonNull(gatewayPingTimeout, "gatewayPingTimeout");
        netTestAddresses = List.copyOf(netTestAddresses);
        Objects.requireNonNull(netTestTimeout, "netTestTimeout");
        Objects.requireNonNull(handoverTimeout, "handoverTimeout");
        Objects.requireNonNull(stallThreshold, "stallThreshold");
    }

    /** A configuration with every default, for the given node and peer. */
    public static CoreConfig defaults(String nodeId, String peerHost) {
        return builder(nodeId, peerHost).build();
    }

    public static Builder builder(String nodeId, String peerHost) {
        return new Builder(nodeId, peerHost);
    }

    /** A builder starting from this configuration, to change a few values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Every problem with this configuration, in key order of the record; empty when it is valid.
     */
    public List<ConfigProblem> validate() {
        Checks checks = new Checks();
        checks.name("node.id", nodeId);
        checks.range("node.tie-break-rank", tieBreakRank, 0, 1);
        checks.name("peer.host", peerHost);
        checks.range("peer.host-ping-timeout", peerHostPingTimeout, MS, MINUTE);
        checks.range("ping.delay", pingDelay, MS, TEN_MINUTES);
        checks.range("ping.timeout", pingTimeout, MS, TEN_MINUTES);
        checks.range("ping.retry-max", pingRetryMax, 0, 1_000);
        checks.range("module.ping-interval", modulePingInterval, MS, HOUR);
        checks.range("module.ping-timeout", modulePingTimeout, MS, TEN_MINUTES);
        checks.range("module.retry-delay", moduleRetryDelay, MS, TEN_MINUTES);
        checks.range("module.max-failures", moduleMaxFailures, 1, 1_000);
        checks.range("module.confirm-pings", moduleConfirmPings, 0, 1_000);
        checks.range("module.monitor-poll-interval", moduleMonitorPollInterval, MS, HOUR);
        checks.range("reconnect.attempts", reconnectAttempts, 1, 1_000_000);
        checks.range("reconnect.attempt-delay", reconnectAttemptDelay, MS, TEN_MINUTES);
        checks.range("reconnect.interval", reconnectInterval, MS, DAY);
        checks.zeroOrRange("unreachable-primary.ping-delay", unreachablePrimaryPingDelay, MS, HOUR);
        checks.range("unreachable-primary.ping-count", unreachablePrimaryPingCount, 0, 1_000_000);
        if (unreachablePrimaryPingCount > 0 && unreachablePrimaryPingDelay.isZero()) {
            checks.problem(
                    "unreachable-primary.ping-count",
                    Integer.toString(unreachablePrimaryPingCount),
                    "has no effect unless unreachable-primary.ping-delay is above 0s; set both"
                            + " or neither");
        }
        checks.range("startup.window", startupWindow, MS, HOUR);
        checks.range("gateway-ping.timeout", gatewayPingTimeout, MS, MINUTE);
        for (int i = 0; i < netTestAddresses.size(); i++) {
            checks.name("nettest.addresses[" + i + "]", netTestAddresses.get(i));
        }
        checks.range("nettest.timeout", netTestTimeout, MS, MINUTE);
        checks.range("handover.timeout", handoverTimeout, MS, TEN_MINUTES);
        checks.range("stall.threshold", stallThreshold, MS, HOUR);
        return checks.problems();
    }

    /**
     * Returns this configuration if it is valid.
     *
     * @throws IllegalArgumentException listing every problem, one per line
     */
    public CoreConfig requireValid() {
        List<ConfigProblem> problems = validate();
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("invalid switchover configuration:");
            for (ConfigProblem problem : problems) {
                message.append(System.lineSeparator()).append("  ").append(problem);
            }
            throw new IllegalArgumentException(message.toString());
        }
        return this;
    }

    /** Whether the backup waits for an unreachable primary instead of switching at once. */
    public boolean waitsForUnreachablePrimary() {
        return !unreachablePrimaryPingDelay.isZero();
    }

    /**
     * The longest silence of a healthy module monitor, doubled: one ping that times out, preceded
     * by the longer of its two pauses. Silence beyond this means the module monitor stopped for an
     * unintended reason.
     */
    public Duration moduleMonitorMaxEventGap() {
        Duration longestPause =
                modulePingInterval.compareTo(moduleRetryDelay) >= 0
                        ? modulePingInterval
                        : moduleRetryDelay;
        return longestPause.plus(modulePingTimeout).multipliedBy(2);
    }

    /** Collects problems; each check names the key, shows the value and states the rule. */
    private static final class Checks {
        private final List<ConfigProblem> problems = new ArrayList<>();

        void problem(String key, String value, String allowed) {
            problems.add(new ConfigProblem(key, value, allowed));
        }

        void name(String key, String value) {
            if (value.isBlank() || !value.equals(value.strip())) {
                problem(key, "'" + value + "'", "must be non-empty, without surrounding spaces");
            }
        }

        void range(String key, int value, int min, int max) {
            if (value < min || value > max) {
                problem(key, Integer.toString(value), "must be between " + min + " and " + max);
            }
        }

        void range(String key, Duration value, Duration min, Duration max) {
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                problem(key, Durations.format(value), between(min, max));
            }
        }

        void zeroOrRange(String key, Duration value, Duration min, Duration max) {
            if (!value.isZero() && (value.compareTo(min) < 0 || value.compareTo(max) > 0)) {
                problem(key, Durations.format(value), "must be 0s (off) or " + between(min, max));
            }
        }

        private static String between(Duration min, Duration max) {
            return "must be between " + Durations.format(min) + " and " + Durations.format(max);
        }

        List<ConfigProblem> problems() {
            return List.copyOf(problems);
        }
    }

    /** Mutable staging for a {@link CoreConfig}; every field starts at its default. */
    public static final class Builder {
        private String nodeId;
        private int tieBreakRank;
        private String peerHost;
        private Duration peerHostPingTimeout = DEFAULT_PEER_HOST_PING_TIMEOUT;
        private Duration pingDelay = DEFAULT_PING_DELAY;
        private Duration pingTimeout = DEFAULT_PING_TIMEOUT;
        private int pingRetryMax = DEFAULT_PING_RETRY_MAX;
        private Duration modulePingInterval = DEFAULT_MODULE_PING_INTERVAL;
        private Duration modulePingTimeout = DEFAULT_MODULE_PING_TIMEOUT;
        private Duration moduleRetryDelay = DEFAULT_MODULE_RETRY_DELAY;
        private int moduleMaxFailures = DEFAULT_MODULE_MAX_FAILURES;
        private int moduleConfirmPings = DEFAULT_MODULE_CONFIRM_PINGS;
        private Duration moduleMonitorPollInterval = DEFAULT_MODULE_MONITOR_POLL_INTERVAL;
        private int reconnectAttempts = DEFAULT_RECONNECT_ATTEMPTS;
        private Duration reconnectAttemptDelay = DEFAULT_RECONNECT_ATTEMPT_DELAY;
        private Duration reconnectInterval = DEFAULT_RECONNECT_INTERVAL;
        private Duration unreachablePrimaryPingDelay = DEFAULT_UNREACHABLE_PRIMARY_PING_DELAY;
        private int unreachablePrimaryPingCount = DEFAULT_UNREACHABLE_PRIMARY_PING_COUNT;
        private Duration startupWindow = DEFAULT_STARTUP_WINDOW;
        private boolean gatewayPingEnabled;
        private Duration gatewayPingTimeout = DEFAULT_GATEWAY_PING_TIMEOUT;
        private List<String> netTestAddresses = List.of();
        private Duration netTestTimeout = DEFAULT_NETTEST_TIMEOUT;
        private Duration handoverTimeout = DEFAULT_HANDOVER_TIMEOUT;
        private Duration stallThreshold = DEFAULT_STALL_THRESHOLD;

        private Builder(String nodeId, String peerHost) {
            this.nodeId = nodeId;
            this.peerHost = peerHost;
        }

        private Builder(CoreConfig c) {
            nodeId = c.nodeId;
            tieBreakRank = c.tieBreakRank;
            peerHost = c.peerHost;
            peerHostPingTimeout = c.peerHostPingTimeout;
            pingDelay = c.pingDelay;
            pingTimeout = c.pingTimeout;
            pingRetryMax = c.pingRetryMax;
            modulePingInterval = c.modulePingInterval;
            modulePingTimeout = c.modulePingTimeout;
            moduleRetryDelay = c.moduleRetryDelay;
            moduleMaxFailures = c.moduleMaxFailures;
            moduleConfirmPings = c.moduleConfirmPings;
            moduleMonitorPollInterval = c.moduleMonitorPollInterval;
            reconnectAttempts = c.reconnectAttempts;
            reconnectAttemptDelay = c.reconnectAttemptDelay;
            reconnectInterval = c.reconnectInterval;
            unreachablePrimaryPingDelay = c.unreachablePrimaryPingDelay;
            unreachablePrimaryPingCount = c.unreachablePrimaryPingCount;
            startupWindow = c.startupWindow;
            gatewayPingEnabled = c.gatewayPingEnabled;
            gatewayPingTimeout = c.gatewayPingTimeout;
            netTestAddresses = c.netTestAddresses;
            netTestTimeout = c.netTestTimeout;
            handoverTimeout = c.handoverTimeout;
            stallThreshold = c.stallThreshold;
        }

        public Builder nodeId(String v) {
            nodeId = v;
            return this;
        }

        public Builder tieBreakRank(int v) {
            tieBreakRank = v;
            return this;
        }

        public Builder peerHost(String v) {
            peerHost = v;
            return this;
        }

        public Builder peerHostPingTimeout(Duration v) {
            peerHostPingTimeout = v;
            return this;
        }

        public Builder pingDelay(Duration v) {
            pingDelay = v;
            return this;
        }

        public Builder pingTimeout(Duration v) {
            pingTimeout = v;
            return this;
        }

        public Builder pingRetryMax(int v) {
            pingRetryMax = v;
            return this;
        }

        public Builder modulePingInterval(Duration v) {
            modulePingInterval = v;
            return this;
        }

        public Builder modulePingTimeout(Duration v) {
            modulePingTimeout = v;
            return this;
        }

        public Builder moduleRetryDelay(Duration v) {
            moduleRetryDelay = v;
            return this;
        }

        public Builder moduleMaxFailures(int v) {
            moduleMaxFailures = v;
            return this;
        }

        public Builder moduleConfirmPings(int v) {
            moduleConfirmPings = v;
            return this;
        }

        public Builder moduleMonitorPollInterval(Duration v) {
            moduleMonitorPollInterval = v;
            return this;
        }

        public Builder reconnectAttempts(int v) {
            reconnectAttempts = v;
            return this;
        }

        public Builder reconnectAttemptDelay(Duration v) {
            reconnectAttemptDelay = v;
            return this;
        }

        public Builder reconnectInterval(Duration v) {
            reconnectInterval = v;
            return this;
        }

        public Builder unreachablePrimaryPingDelay(Duration v) {
            unreachablePrimaryPingDelay = v;
            return this;
        }

        public Builder unreachablePrimaryPingCount(int v) {
            unreachablePrimaryPingCount = v;
            return this;
        }

        public Builder startupWindow(Duration v) {
            startupWindow = v;
            return this;
        }

        public Builder gatewayPingEnabled(boolean v) {
            gatewayPingEnabled = v;
            return this;
        }

        public Builder gatewayPingTimeout(Duration v) {
            gatewayPingTimeout = v;
            return this;
        }

        public Builder netTestAddresses(List<String> v) {
            netTestAddresses = List.copyOf(v);
            return this;
        }

        public Builder netTestTimeout(Duration v) {
            netTestTimeout = v;
            return this;
        }

        public Builder handoverTimeout(Duration v) {
            handoverTimeout = v;
            return this;
        }

        public Builder stallThreshold(Duration v) {
            stallThreshold = v;
            return this;
        }

        public CoreConfig build() {
            return new CoreConfig(
                    nodeId,
                    tieBreakRank,
                    peerHost,
                    peerHostPingTimeout,
                    pingDelay,
                    pingTimeout,
                    pingRetryMax,
                    modulePingInterval,
                    modulePingTimeout,
                    moduleRetryDelay,
                    moduleMaxFailures,
                    moduleConfirmPings,
                    moduleMonitorPollInterval,
                    reconnectAttempts,
                    reconnectAttemptDelay,
                    reconnectInterval,
                    unreachablePrimaryPingDelay,
                    unreachablePrimaryPingCount,
                    startupWindow,
                    gatewayPingEnabled,
                    gatewayPingTimeout,
                    netTestAddresses,
                    netTestTimeout,
                    handoverTimeout,
                    stallThreshold);
        }
    }
}
