package io.switchover.core.diagnosis;

import io.switchover.core.config.CoreConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The chain of rules that sets the backup's network status. Declaration order is the chain order:
 * the first rule that applies decides, and no later rule is evaluated. A rule that does not apply
 * reports why ("unavailable") and passes on. The last rule always applies.
 */
public enum NetworkStatusRule {
    /** Ping each local gateway until one answers. Off by default: many gateways drop ICMP. */
    GATEWAY("gateway", NetworkStatus.GATEWAY_REACHED, NetworkStatus.GATEWAY_UNREACHABLE) {
        @Override
        public Optional<String> notApplicable(CoreConfig config, List<String> gateways) {
            if (!config.gatewayPingEnabled()) {
                return Optional.of("gateway ping disabled");
            }
            if (gateways.isEmpty()) {
                return Optional.of("no usable gateway address on any adapter");
            }
            return Optional.empty();
        }

        @Override
        public List<String> addresses(CoreConfig config, List<String> gateways) {
            return gateways;
        }

        @Override
        public Duration timeout(CoreConfig config) {
            return config.gatewayPingTimeout();
        }
    },

    /** Ping each configured NetTest address until one answers. */
    NETTEST("NetTest", NetworkStatus.NETTEST_REACHED, NetworkStatus.NETTEST_UNREACHABLE) {
        @Override
        public Optional<String> notApplicable(CoreConfig config, List<String> gateways) {
            return config.netTestAddresses().isEmpty()
                    ? Optional.of("no NetTest address configured")
                    : Optional.empty();
        }

        @Override
        public List<String> addresses(CoreConfig config, List<String> gateways) {
            return config.netTestAddresses();
        }

        @Override
        public Duration timeout(CoreConfig config) {
            return config.netTestTimeout();
        }
    },

    /**
     * The primary's host answers ICMP or not. This ping runs throughout every diagnosis whatever
     * rule decides, so this rule reuses its result instead of pinging again.
     */
    PRIMARY_HOST("primary host", NetworkStatus.PRIMARY_REACHED, NetworkStatus.PRIMARY_UNREACHABLE) {
        @Override
        public Optional<String> notApplicable(CoreConfig config, List<String> gateways) {
            return Optional.empty();
        }

        @Override
        public List<String> addresses(CoreConfig config, List<String> gateways) {
            return List.of(config.peerHost());
        }

        @Override
        public Duration timeout(CoreConfig config) {
            return config.peerHostPingTimeout();
        }
    };

    private final String label;
    private final NetworkStatus reached;
    private final NetworkStatus unreachable;

    NetworkStatusRule(String label, NetworkStatus reached, NetworkStatus unreachable) {
        this.label = label;
        this.reached = reached;
        this.unreachable = unreachable;
    }

    /** Why this rule does not apply with this configuration; empty when it applies. */
    public abstract Optional<String> notApplicable(CoreConfig config, List<String> gateways);

    /** The addresses this rule pings, in order, until one answers. */
    public abstract List<String> addresses(CoreConfig config, List<String> gateways);

    /** How long each of its pings may take. */
    public abstract Duration timeout(CoreConfig config);

    /** The status this rule sets, given whether any of its addresses answered. */
    public NetworkStatus status(boolean anyAnswered) {
        return anyAnswered ? reached : unreachable;
    }

    /** How logs name this rule's checks: {@code gateway}, {@code NetTest}, {@code primary host}. */
    public String label() {
        return label;
    }

    /**
     * The gateway addresses worth pinging: the adapters' list without empty, loopback and
     * unspecified addresses, without duplicates, in the order given.
     */
    public static List<String> usableGateways(List<String> enumerated) {
        Set<String> usable = new LinkedHashSet<>();
        for (String address : enumerated) {
            if (address == null) {
                continue;
            }
            String a = address.strip();
            if (!a.isEmpty() && !isLoopbackOrUnspecified(a)) {
                usable.add(a);
            }
        }
        return List.copyOf(new ArrayList<>(usable));
    }

    private static boolean isLoopbackOrUnspecified(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        return a.equals("localhost")
                || a.startsWith("127.")
                || a.equals("::1")
                || a.equals("0:0:0:0:0:0:0:1")
                || a.equals("0.0.0.0")
                || a.equals("::");
    }
}
