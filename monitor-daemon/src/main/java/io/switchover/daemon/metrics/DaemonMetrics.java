package io.switchover.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.port.Connection;
import io.switchover.core.registry.Resync;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.daemon.mirror.MirrorService;
import io.switchover.daemon.peer.PingObserver;
import io.switchover.daemon.registry.RegistryService;
import io.switchover.daemon.snmp.SnmpNotifier;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.NotifierStats;
import io.switchover.notifier.session.Outcome;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Every metric the daemon exports. Names follow Prometheus conventions with a {@code switchover_}
 * prefix; tags carry the reason, outcome or connection so that an operator can alert on "a
 * switchover happened, and why".
 */
public final class DaemonMetrics implements PingObserver {
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final AtomicLong generation = new AtomicLong();

    public DaemonMetrics(String node) {
        registry.config().commonTags("node", node);
        for (State s : State.values()) {
            Gauge.builder("switchover_state", state, r -> r.get() == s ? 1 : 0)
                    .description("1 for the state this node is in, 0 for the others")
                    .tag("state", s.name())
                    .register(registry);
        }
        Gauge.builder("switchover_generation", generation, AtomicLong::get)
                .description("the generation in force on this node")
                .register(registry);
    }

    /** A transition the core made. */
    public void transition(Transition t) {
        state.set(t.to());
        generation.set(t.generation());
        String cause = t.reason().cause().name();
        Counter.builder("switchover_transitions")
                .description("state transitions by from, to and cause")
                .tag("from", t.from().name())
                .tag("to", t.to().name())
                .tag("cause", cause)
                .register(registry)
                .increment();
        if (t.to() == State.PRIMARY && t.from() != State.STARTING) {
            Counter.builder("switchover_switchovers")
                    .description("promotions of this node from a backup state, by cause")
                    .tag("cause", cause)
                    .register(registry)
                    .increment();
        }
    }

    /** The generation changed without a transition (a backup adopting the primary's). */
    public void generation(long g) {
        generation.set(g);
    }

    /** A notice from the core (promotion blocked, stall detected, split brain won...). */
    public void notice(String kind) {
        Counter.builder("switchover_notices")
                .description("decisions not to change state, by kind")
                .tag("kind", kind)
                .register(registry)
                .increment();
    }

    @Override
    public void notifierPing(Connection via, Outcome<?> outcome) {
        String conn = via.name().toLowerCase(Locale.ROOT);
        outcomes(
                "switchover_ping_outcomes",
                "notifier pings by connection and outcome",
                conn,
                outcome);
        if (outcome.isSuccess()) {
            Timer.builder("switchover_ping_rtt")
                    .description("notifier ping round trip")
                    .tag("connection", conn)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry)
                    .record(outcome.elapsedNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void modulePing(Connection via, Outcome<?> outcome) {
        String conn = via.name().toLowerCase(Locale.ROOT);
        outcomes(
                "switchover_module_ping_outcomes",
                "module pings by connection and outcome",
                conn,
                outcome);
        if (!outcome.isSuccess()) {
            Counter.builder("switchover_module_ping_failures")
                    .description("module pings that did not succeed")
                    .tag("connection", conn)
                    .tag("outcome", outcome.kind().name())
                    .register(registry)
                    .increment();
        }
    }

    private void outcomes(String name, String description, String conn, Outcome<?> outcome) {
        Counter.builder(name)
                .description(description)
                .tag("connection", conn)
                .tag("outcome", outcome.kind().name())
                .register(registry)
                .increment();
    }

    /** Exports a connection's up/down state (1/0). */
    public void connection(Connection c, BooleanSupplier up) {
        Gauge.builder("switchover_connection_up", up, s -> s.getAsBoolean() ? 1 : 0)
                .description("1 while the notifier connection to the peer is established")
                .tag("connection", c.name().toLowerCase(Locale.ROOT))
                // A gauge holds its object weakly by default; nothing else holds this supplier, so
                // after a garbage collection the gauge would read NaN.
                .strongReference(true)
                .register(registry);
    }

    /** Exports a notifier endpoint's closes by reason and by who decided them. */
    public void notifier(String endpoint, NotifierStats stats) {
        FunctionCounter.builder(
                        "switchover_notifier_connections_established",
                        stats,
                        NotifierStats::establishedCount)
                .description("notifier connections that completed the handshake")
                .tag("endpoint", endpoint)
                .register(registry);
        for (CloseReason r : CloseReason.values()) {
            closes(endpoint, stats, r, "local", s -> s.closedLocally(r));
            closes(endpoint, stats, r, "peer", s -> s.closedByPeer(r));
        }
    }

    private void closes(
            String endpoint,
            NotifierStats stats,
            CloseReason r,
            String by,
            ToDoubleFunction<NotifierStats> f) {
        FunctionCounter.builder("switchover_notifier_closes", stats, f)
                .description("notifier connections closed, by reason and by which side decided")
                .tag("endpoint", endpoint)
                .tag("reason", r.code())
                .tag("by", by)
                .register(registry);
    }

    /** The registry's gauges: replication lag in changes and seconds, and keys held. */
    public void registry(RegistryService service) {
        Gauge.builder("switchover_replication_lag", service, RegistryService::lagChanges)
                .description(
                        "registry changes acknowledged on the primary and not yet on the backup")
                .register(registry);
        Gauge.builder("switchover_replication_lag_seconds", service, RegistryService::lagSeconds)
                .description("age of the oldest registry change the backup has not acknowledged")
                .register(registry);
        Gauge.builder("switchover_registry_in_sync", service, s -> s.inSyncForMetrics() ? 1 : 0)
                .description(
                        "primary: the backup compared its tree and receives changes; backup: it"
                                + " is in sync with the primary")
                .register(registry);
    }

    /** A registry replication session ended ({@code role}: source or replica). */
    public void registrySessionEnded(String role) {
        Counter.builder("switchover_registry_sessions_ended")
                .description("registry replication sessions that ended, by this node's role")
                .tag("role", role)
                .register(registry)
                .increment();
    }

    /** A compare-and-update finished. */
    public void registryResync(Resync.Result result, long millis) {
        String outcome = result.complete() ? "complete" : "failed";
        Counter.builder("switchover_registry_comparisons")
                .description("registry compare-and-update runs, by outcome")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        Counter.builder("switchover_registry_comparison_bytes")
                .description("bytes exchanged by registry compare-and-update runs")
                .register(registry)
                .increment(result.stats().bytesSent() + result.stats().bytesReceived());
        Timer.builder("switchover_registry_comparison_duration")
                .description("how long registry compare-and-update runs took")
                .tag("outcome", outcome)
                .register(registry)
                .record(Duration.ofMillis(millis));
    }

    /** Primary: a change the backup acknowledged as durable, {@code nanos} after its commit. */
    public void registryPropagated(long nanos) {
        Timer.builder("switchover_registry_propagation")
                .description(
                        "time from a registry change's commit on the primary to the backup's"
                                + " acknowledgement that it is durable there")
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Directory mirroring's gauges, per directory (tag {@code directory}: its path on this node):
     * files and bytes mirrored, operations pending, time of the last sync, errors; and refused
     * steps (security events).
     */
    public void mirror(MirrorService service) {
        for (DirectorySpec spec : service.directories()) {
            String id = spec.source();
            java.util.function.Function<MirrorService, MirrorService.DirectoryFigures> f =
                    s -> s.figures().get(id);
            Gauge.builder("switchover_mirror_files", service, s -> f.apply(s).files())
                    .description("files in the mirrored directory, as last listed")
                    .tag("directory", id)
                    .register(registry);
            Gauge.builder("switchover_mirror_bytes", service, s -> f.apply(s).bytes())
                    .description("bytes of the files in the mirrored directory, as last listed")
                    .tag("directory", id)
                    .register(registry);
            Gauge.builder("switchover_mirror_pending", service, s -> f.apply(s).pending())
                    .description("primary: paths and comparisons waiting to reach the backup")
                    .tag("directory", id)
                    .register(registry);
            Gauge.builder(
                            "switchover_mirror_last_sync_seconds",
                            service,
                            s -> f.apply(s).lastSyncEpochSeconds())
                    .description(
                            "when the directory was last known identical on both nodes (epoch"
                                    + " seconds; -1: never)")
                    .tag("directory", id)
                    .register(registry);
            FunctionCounter.builder("switchover_mirror_errors", service, s -> f.apply(s).errors())
                    .description("mirroring steps that failed for the directory (each is retried)")
                    .tag("directory", id)
                    .register(registry);
        }
        FunctionCounter.builder(
                        "switchover_mirror_security_events", service, MirrorService::securityEvents)
                .description(
                        "mirroring steps from the peer refused because they would reach outside a"
                                + " mirrored directory")
                .register(registry);
    }

    /** Primary: a changed path reached the backup, {@code nanos} after it was ready to ship. */
    public void mirrorPropagated(long nanos) {
        Timer.builder("switchover_mirror_propagation")
                .description(
                        "time from a changed file being ready to ship (its writes over) on the"
                                + " primary to the backup having it in place")
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A mirroring session ended ({@code role}: source or replica). */
    public void mirrorSessionEnded(String role) {
        Counter.builder("switchover_mirror_sessions_ended")
                .description("directory mirroring sessions that ended, by this node's role")
                .tag("role", role)
                .register(registry)
                .increment();
    }

    /** Two primaries met; {@code outcome} is "won" (kept the role) or "lost" (stepped down). */
    public void splitBrain(String outcome) {
        Counter.builder("switchover_split_brain")
                .description("two primaries met; this node won or lost (stepped down to FAILED)")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /**
     * Exports the SNMP traps per receiver and outcome: {@code sent} (handed to the network), {@code
     * failed} (not sent: unresolvable host, socket error) and {@code dropped} (from a full queue).
     */
    public void snmp(SnmpNotifier notifier) {
        for (SnmpNotifier.ReceiverCounters c : notifier.counters()) {
            String receiver = c.receiver().name();
            traps(receiver, "sent", c, SnmpNotifier.ReceiverCounters::sent);
            traps(receiver, "failed", c, SnmpNotifier.ReceiverCounters::failed);
            traps(receiver, "dropped", c, SnmpNotifier.ReceiverCounters::dropped);
        }
    }

    private void traps(
            String receiver,
            String outcome,
            SnmpNotifier.ReceiverCounters counters,
            ToDoubleFunction<SnmpNotifier.ReceiverCounters> f) {
        FunctionCounter.builder("switchover_snmp_traps", counters, f)
                .description("SNMP traps by receiver and outcome (sent, failed, dropped)")
                .tag("receiver", receiver)
                .tag("outcome", outcome)
                .register(registry);
    }

    /** A hook that failed or timed out. */
    public void hookFailed(String hook) {
        Counter.builder("switchover_hook_failures")
                .description("hook scripts that failed or timed out")
                .tag("hook", hook)
                .register(registry)
                .increment();
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }
}
