package io.switchover.core.diagnosis;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Connection;
import io.switchover.core.port.NetworkProbe;
import io.switchover.core.port.PeerLink;
import io.switchover.core.port.Reachability;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs one diagnosis: pings the primary's host throughout, walks the {@link NetworkStatusRule}
 * chain until a rule decides, then reads the connections and reports a {@link Diagnosis}.
 *
 * <p>Asynchronous through the {@link NetworkProbe}; never blocks, owns no thread. The gateway list
 * is enumerated once, at construction (the daemon's startup), as the source prescribes.
 */
public final class NetworkDiagnosis {

    /** The last completed diagnosis; read by status queries on the core's thread. */
    private Diagnosis last;

    private static final NetworkStatusRule[] CHAIN = NetworkStatusRule.values();

    private final CoreConfig config;
    private final Clock clock;
    private final PeerLink link;
    private final NetworkProbe probe;
    private final List<String> gateways;
    private final Duration couldTake;

    public NetworkDiagnosis(CoreConfig config, Clock clock, PeerLink link, NetworkProbe probe) {
        this.config = config;
        this.clock = clock;
        this.link = link;
        this.probe = probe;
        this.gateways = NetworkStatusRule.usableGateways(probe.localGateways());
        this.couldTake = longestChain();
    }

    /**
     * The deciding rule's pings run one after the other, while the primary's host is pinged
     * alongside: a diagnosis lasts at most the longer of the two.
     */
    private Duration longestChain() {
        Duration sweep = Duration.ZERO;
        for (NetworkStatusRule rule : CHAIN) {
            if (rule.notApplicable(config, gateways).isEmpty()) {
                sweep = rule.timeout(config).multipliedBy(rule.addresses(config, gateways).size());
                break;
            }
        }
        Duration host = config.peerHostPingTimeout();
        return sweep.compareTo(host) > 0 ? sweep : host;
    }

    /** The most recent completed diagnosis, for status displays; empty before the first. */
    public Optional<Diagnosis> last() {
        return Optional.ofNullable(last);
    }

    /** The gateways that the gateway rule pings, after filtering. */
    public List<String> gateways() {
        return gateways;
    }

    /** The connected state of both notifier connections, read now. */
    public ConnectionStatus connectionStatus() {
        return ConnectionStatus.of(
                link.isConnected(Connection.MAIN), link.isConnected(Connection.AUXILIARY));
    }

    /**
     * Starts a diagnosis; {@code done} receives it once, unless the returned handle is cancelled
     * first.
     */
    public Cancellable diagnose(Consumer<Diagnosis> done) {
        Run run = new Run(done);
        run.start();
        return run;
    }

    /** One ping of the primary's host, outside any diagnosis. */
    public Cancellable pingPrimaryHost(Consumer<Reachability> result) {
        return probe.ping(config.peerHost(), config.peerHostPingTimeout(), result);
    }

    /**
     * Checks only this node's own side of the network: the first of the gateway and NetTest rules
     * that applies pings its addresses in turn until one answers, and {@code done} receives the
     * status it sets (e.g. {@link NetworkStatus#NETTEST_UNREACHABLE}). With neither configured
     * there is nothing to check and {@code done} receives empty at once. The primary's host is not
     * pinged and {@link #last()} is left alone: this is the {@link OwnNetworkWatch}'s sample, not a
     * diagnosis.
     */
    public Cancellable checkOwnSide(Consumer<Optional<NetworkStatus>> done) {
        for (NetworkStatusRule rule : CHAIN) {
            if (rule != NetworkStatusRule.PRIMARY_HOST
                    && rule.notApplicable(config, gateways).isEmpty()) {
                OwnSideSweep sweep = new OwnSideSweep(rule, done);
                sweep.next();
                return sweep;
            }
        }
        done.accept(Optional.empty());
        return Cancellable.DONE;
    }

    /** One own-side check: the rule's addresses one after the other, until one answers. */
    private final class OwnSideSweep implements Cancellable {
        private final NetworkStatusRule rule;
        private final List<String> addresses;
        private final Consumer<Optional<NetworkStatus>> done;
        private int index;
        private Cancellable ping = Cancellable.DONE;
        private boolean over;

        OwnSideSweep(NetworkStatusRule rule, Consumer<Optional<NetworkStatus>> done) {
            this.rule = rule;
            this.addresses = rule.addresses(config, gateways);
            this.done = done;
        }

        void next() {
            if (index == addresses.size()) {
                over = true;
                done.accept(Optional.of(rule.status(false)));
                return;
            }
            ping =
                    probe.ping(
                            addresses.get(index++),
                            rule.timeout(config),
                            result -> {
                                if (over) {
                                    return;
                                }
                                if (result.reachable()) {
                                    over = true;
                                    done.accept(Optional.of(rule.status(true)));
                                } else {
                                    next();
                                }
                            });
        }

        @Override
        public void cancel() {
            over = true;
            ping.cancel();
        }
    }

    private static String describe(
            String label, String address, Reachability result, Duration timeout) {
        return label
                + " "
                + address
                + ": "
                + (result.reachable()
                        ? "answered"
                        : "no answer within " + Durations.format(timeout));
    }

    private final class Run implements Cancellable {
        private final Consumer<Diagnosis> done;
        private final List<String> checks = new ArrayList<>();
        private final List<Cancellable> outstanding = new ArrayList<>();
        private final Set<String> unknown = new HashSet<>();
        private final long startedNanos = clock.nanos();
        private Reachability primaryHost;
        private NetworkStatusRule decidedBy;
        private NetworkStatus status;
        private boolean over;

        Run(Consumer<Diagnosis> done) {
            this.done = done;
        }

        void start() {
            askPrimaryHost();
            evaluate(0);
        }

        private void askPrimaryHost() {
            outstanding.add(
                    pingPrimaryHost(
                            result -> {
                                if (over) {
                                    return;
                                }
                                if (!result.known()) {
                                    couldNotRun(
                                            NetworkStatusRule.PRIMARY_HOST.label(),
                                            config.peerHost(),
                                            config.peerHostPingTimeout());
                                    askPrimaryHost();
                                    return;
                                }
                                primaryHost = result;
                                checks.add(
                                        describe(
                                                NetworkStatusRule.PRIMARY_HOST.label(),
                                                config.peerHost(),
                                                result,
                                                config.peerHostPingTimeout()));
                                finishIfComplete();
                            }));
        }

        /**
         * A probe that never ran is no evidence about its address: it is asked again, and the
         * diagnosis waits for an answer that is. Said once per address, so that a prober stuck for
         * long does not grow the list of checks.
         */
        private void couldNotRun(String label, String address, Duration timeout) {
            if (unknown.add(address)) {
                checks.add(
                        label
                                + " "
                                + address
                                + ": the probe could not run within "
                                + Durations.format(timeout)
                                + " (no probe thread: this process is starved); asked again");
            }
        }

        private void evaluate(int index) {
            NetworkStatusRule rule = CHAIN[index];
            Optional<String> skip = rule.notApplicable(config, gateways);
            if (skip.isPresent()) {
                checks.add(rule.label() + ": unavailable (" + skip.get() + ")");
                evaluate(index + 1);
            } else if (rule == NetworkStatusRule.PRIMARY_HOST) {
                decidedBy = rule;
                finishIfComplete();
            } else {
                sweep(rule, rule.addresses(config, gateways), 0);
            }
        }

        /** Pings {@code addresses} one after the other until one answers. */
        private void sweep(NetworkStatusRule rule, List<String> addresses, int index) {
            if (index == addresses.size()) {
                decide(rule, false);
                return;
            }
            String address = addresses.get(index);
            outstanding.add(
                    probe.ping(
                            address,
                            rule.timeout(config),
                            result -> {
                                if (over) {
                                    return;
                                }
                                if (!result.known()) {
                                    couldNotRun(rule.label(), address, rule.timeout(config));
                                    sweep(rule, addresses, index);
                                    return;
                                }
                                checks.add(
                                        describe(
                                                rule.label(),
                                                address,
                                                result,
                                                rule.timeout(config)));
                                if (result.reachable()) {
                                    decide(rule, true);
                                } else {
                                    sweep(rule, addresses, index + 1);
                                }
                            }));
        }

        private void decide(NetworkStatusRule rule, boolean anyAnswered) {
            decidedBy = rule;
            status = rule.status(anyAnswered);
            finishIfComplete();
        }

        private void finishIfComplete() {
            if (over || decidedBy == null || primaryHost == null) {
                return;
            }
            if (decidedBy == NetworkStatusRule.PRIMARY_HOST) {
                status = decidedBy.status(primaryHost.reachable());
            }
            over = true;
            outstanding.clear();
            last =
                    new Diagnosis(
                            connectionStatus(),
                            status,
                            decidedBy,
                            primaryHost,
                            checks,
                            Duration.ofNanos(clock.nanosSince(startedNanos)),
                            couldTake);
            done.accept(last);
        }

        @Override
        public void cancel() {
            if (!over) {
                over = true;
                outstanding.forEach(Cancellable::cancel);
                outstanding.clear();
            }
        }
    }
}
