package io.switchover.daemon;

import io.netty.channel.EventLoopGroup;
import io.switchover.core.port.Connection;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.Ports;
import io.switchover.core.port.Release;
import io.switchover.core.registry.Registry;
import io.switchover.core.registry.RegistryLimits;
import io.switchover.core.registry.Resync;
import io.switchover.core.state.CommandResult;
import io.switchover.core.state.CoreListener;
import io.switchover.core.state.Notice;
import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.StateMachine;
import io.switchover.core.state.Transition;
import io.switchover.daemon.admin.AdminOperations;
import io.switchover.daemon.admin.AdminServer;
import io.switchover.daemon.config.DaemonConfig;
import io.switchover.daemon.config.HostPort;
import io.switchover.daemon.hooks.HookRunner;
import io.switchover.daemon.metrics.DaemonMetrics;
import io.switchover.daemon.mirror.MirrorEvents;
import io.switchover.daemon.mirror.MirrorService;
import io.switchover.daemon.module.CommandCheck;
import io.switchover.daemon.module.HttpGetCheck;
import io.switchover.daemon.module.ModuleCheck;
import io.switchover.daemon.module.ModuleEndpoint;
import io.switchover.daemon.module.TcpConnectCheck;
import io.switchover.daemon.peer.NotifierPeerLink;
import io.switchover.daemon.peer.PeerMessageCodec;
import io.switchover.daemon.peer.PingObserver;
import io.switchover.daemon.probe.DaemonNetworkProbe;
import io.switchover.daemon.registry.MvRegistryStore;
import io.switchover.daemon.registry.RegistryEvents;
import io.switchover.daemon.registry.RegistryService;
import io.switchover.daemon.runtime.CoreExecutor;
import io.switchover.daemon.runtime.DaemonReplication;
import io.switchover.daemon.snmp.EngineIds;
import io.switchover.daemon.snmp.SnmpNotifier;
import io.switchover.daemon.snmp.SnmpSettings;
import io.switchover.daemon.snmp.Traps;
import io.switchover.daemon.status.Observations;
import io.switchover.daemon.status.PeerView;
import io.switchover.daemon.store.AdminToken;
import io.switchover.daemon.store.DataDirectory;
import io.switchover.daemon.store.EventHistory;
import io.switchover.daemon.store.FileGenerationStore;
import io.switchover.daemon.store.HistoryEvent;
import io.switchover.daemon.store.SnmpEngineBoots;
import io.switchover.daemon.store.StorageException;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.session.RejectedException;
import io.switchover.notifier.transport.ConnectionListener;
import io.switchover.notifier.transport.EventLoops;
import io.switchover.notifier.transport.NotifierServer;
import io.switchover.notifier.transport.NotifierSettings;
import io.switchover.notifier.transport.PeerClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running switchover daemon: the core wired to the notifier, probes, module check, stores,
 * hooks, metrics and the admin API. {@link #start} builds and starts everything in dependency
 * order; {@link #close} takes it down in reverse (the core first, so that its last transition and
 * the leave hooks happen while everything else still works).
 *
 * <p>Nothing here decides: every decision is the core's; this class moves events to it and its
 * decisions out to logs, the event history, metrics and hooks.
 */
public final class Daemon implements AdminOperations, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /** The decision log: one line per transition or notice, with its reason. */
    private static final Logger decisions = LoggerFactory.getLogger("switchover.events");

    private static final Duration CORE_CALL_TIMEOUT = Duration.ofSeconds(10);

    private final DaemonConfig config;
    private final String release;
    private final Instant startedAt = Instant.now();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final DataDirectory dataDirectory;
    private final AdminToken token;
    private final EventHistory history;
    private final DaemonMetrics metrics;
    private final Observations observations = new Observations();
    private final CoreExecutor core;
    private final HookRunner hooks;
    private final Optional<SnmpNotifier> snmp;
    private final DaemonNetworkProbe probe;
    private final ModuleCheck moduleCheck;
    private final NotifierServer server;
    private final PeerClient client;
    private final PeerView peerView;
    private final StateMachine machine;
    private final RegistryService registry;
    private final MirrorService mirror;
    private final AdminServer admin;
    private volatile NodeStatus status;
    private volatile boolean closed;

    private Daemon(DaemonConfig config, String buildRelease) throws Exception {
        this.config = config;
        String nodeId = config.nodeId();
        this.release = config.node().release().orElse(buildRelease);
        try {
            dataDirectory = own(DataDirectory.open(config.node().dataDir()));
            token = AdminToken.loadOrCreate(dataDirectory);
            history =
                    own(
                            EventHistory.open(
                                    dataDirectory,
                                    EventHistory.DEFAULT_MAX_BYTES,
                                    java.time.Clock.systemUTC()));
            FileGenerationStore generations = new FileGenerationStore(dataDirectory);
            status = new NodeStatus(State.STARTING.name(), generations.load());
            metrics = new DaemonMetrics(nodeId);
            core = own(new CoreExecutor());
            hooks =
                    own(
                            new HookRunner(
                                    nodeId,
                                    config.hooks(),
                                    failure -> {
                                        metrics.hookFailed(
                                                String.valueOf(
                                                        failure.eventFields().get("script")));
                                        record(HistoryEvent.HOOK_FAILED, failure.eventFields());
                                    }));
            snmp = openSnmp(config, dataDirectory);
            probe =
                    own(
                            DaemonNetworkProbe.start(
                                    config.probe().mode(),
                                    config.probe().tcpPort(),
                                    core,
                                    config::probeTarget));
            ExecutorService blocking =
                    Executors.newFixedThreadPool(
                            2,
                            r -> {
                                Thread t = new Thread(r, "switchover-module-check");
                                t.setDaemon(true);
                                return t;
                            });
            own(blocking::shutdownNow);
            EventLoopGroup group = EventLoops.create("switchover-notifier", 2);
            own(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
            moduleCheck = moduleCheck(config, blocking, group);
            registry = own(openRegistry(config, generations.load()));
            mirror = own(openMirror(config, generations.load()));

            PeerHandlers handlers = new PeerHandlers();
            Duration checkTimeout = checkTimeout(config.core().modulePingTimeout());
            handlers.module(
                    config.module().name(),
                    (from, module) -> {
                        NodeStatus now = status;
                        if (!State.PRIMARY.name().equals(now.state())) {
                            return CompletableFuture.failedFuture(
                                    new RejectedException(
                                            nodeId
                                                    + " is "
                                                    + now.state()
                                                    + ", not primary: the module is not served here"));
                        }
                        return moduleCheck.check(checkTimeout);
                    });
            handlers.request(PeerMessageCodec.OPERATION, this::onPeerMessage);
            handlers.request(PeerView.OPERATION, (from, body) -> ownAccount());
            registry.register(handlers);
            mirror.register(handlers);

            NotifierSettings settings =
                    config.notifierSettings(buildRelease)
                            .capabilities(
                                    List.of(
                                            "core-messages-1",
                                            "module-ping",
                                            "registry-1",
                                            "mirror-1"))
                            .build();
            server = new NotifierServer(settings, handlers, () -> status, serverListener(), group);
            own(server);
            InetSocketAddress listen =
                    listen(
                            "notifier.listen",
                            config.notifier().listen(),
                            () -> server.bind(config.notifier().listen().socketAddress()));
            log.info("notifier listening on {} ({})", listen, EventLoops.transport());

            client =
                    new PeerClient(
                            settings,
                            handlers,
                            () -> status,
                            clientListener(),
                            group,
                            // Resolved once at startup; an IP address needs no resolver.
                            new InetSocketAddress(
                                    config.peerNotifier().host(), config.peerNotifier().port()));
            own(client);
            peerView =
                    new PeerView(
                            () ->
                                    client.connection(ConnectionKind.AUX)
                                            .or(() -> client.connection(ConnectionKind.MAIN)));
            PingObserver observers = both(metrics, observations);
            NotifierPeerLink link =
                    new NotifierPeerLink(
                            client, server::connections, config.module().name(), core, observers);

            machine =
                    new StateMachine(
                            config.core(),
                            Release.parse(release),
                            core,
                            core,
                            new Ports(
                                    link,
                                    probe,
                                    generations,
                                    new DaemonReplication(registry, mirror, core),
                                    hooks),
                            coreListener());

            metrics.generation(status.generation());
            for (Connection c : Connection.values()) {
                metrics.connection(c, () -> link.isConnected(c));
            }
            metrics.notifier("server", server.stats());
            metrics.notifier("client", client.stats());
            metrics.registry(registry);
            metrics.mirror(mirror);
            snmp.ifPresent(metrics::snmp);

            admin =
                    own(
                            listen(
                                    "admin.listen",
                                    config.admin().listen(),
                                    () ->
                                            new AdminServer(
                                                    config.admin().listen().socketAddress(),
                                                    this,
                                                    java.util.Optional.of(registry),
                                                    AdminServer.RegistrySettings.DEFAULT,
                                                    token::matches,
                                                    token.file().toString())));
        } catch (Exception | Error e) {
            closeResources();
            throw e;
        }
    }

    /**
     * Builds and starts a daemon. Every failure to start (data directory locked, port in use...) is
     * thrown with a message that names the problem, after releasing what was acquired.
     */
    public static Daemon start(DaemonConfig config, String buildRelease) throws Exception {
        Daemon d = new Daemon(config, buildRelease);
        d.admin.start();
        log.info(
                "switchoverd {} starting: node {} of cluster {}, peer {} at {}, data in {}",
                d.release,
                config.nodeId(),
                config.cluster(),
                config.peer().id(),
                config.peerNotifier(),
                config.node().dataDir());
        d.core.execute(d.machine::start);
        d.client.start();
        return d;
    }

    // ------------------------------------------------------------------ wiring helpers

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Something that starts listening and returns what listens. */
    @FunctionalInterface
    private interface Listening<T> {
        T start() throws Exception;
    }

    /**
     * Starts a listener; a failure names the configuration key and the address, so that the
     * operator knows which of the daemon's ports is taken (the socket's own message does not say).
     */
    private static <T> T listen(String key, HostPort address, Listening<T> listening)
            throws Exception {
        try {
            return listening.start();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(
                    key + " " + address + ": cannot listen there: " + e.getMessage(), e);
        }
    }

    /**
     * The SNMP trap sender, when the configuration lists receivers: the engine boots counter goes
     * up by one (durably) before the first trap, so SNMPv3 receivers accept this start's traps.
     */
    private Optional<SnmpNotifier> openSnmp(DaemonConfig config, DataDirectory dataDirectory)
            throws IOException {
        SnmpSettings settings = config.snmp();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        SnmpSettings.EngineId engineId =
                settings.engineId()
                        .orElseGet(() -> EngineIds.derive(config.cluster(), config.nodeId()));
        int boots = SnmpEngineBoots.next(dataDirectory);
        SnmpNotifier notifier =
                own(
                        new SnmpNotifier(
                                new Traps(config.nodeId(), config.cluster(), config.peer().id()),
                                settings,
                                engineId,
                                boots));
        notifier.start();
        log.info(
                "snmp: traps to {} (engine ID {}, boots {})",
                settings.receivers().stream().map(r -> r.name() + " " + r.version()).toList(),
                engineId.hex(),
                boots);
        return Optional.of(notifier);
    }

    private static Duration checkTimeout(Duration modulePingTimeout) {
        // A little below the backup's timeout, so a slow module is reported as a clear refusal
        // rather than the backup's timeout.
        Duration margin = modulePingTimeout.dividedBy(5);
        if (margin.compareTo(Duration.ofMillis(500)) > 0) {
            margin = Duration.ofMillis(500);
        }
        return modulePingTimeout.minus(margin);
    }

    private ModuleCheck moduleCheck(
            DaemonConfig config, ExecutorService blocking, EventLoopGroup group) throws Exception {
        io.switchover.daemon.config.ModuleCheck spec = config.module().check();
        if (spec instanceof io.switchover.daemon.config.ModuleCheck.Tcp t) {
            return new TcpConnectCheck(t.target().host(), t.target().port(), blocking);
        }
        if (spec instanceof io.switchover.daemon.config.ModuleCheck.Http h) {
            return new HttpGetCheck(h.url(), h.expectStatus());
        }
        if (spec instanceof io.switchover.daemon.config.ModuleCheck.Command c) {
            return new CommandCheck(c.command(), blocking);
        }
        io.switchover.daemon.config.ModuleCheck.Registered r =
                (io.switchover.daemon.config.ModuleCheck.Registered) spec;
        ModuleEndpoint endpoint =
                own(
                        new ModuleEndpoint(
                                config.cluster(),
                                config.nodeId(),
                                token.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                                Set.of(config.module().name()),
                                group));
        InetSocketAddress bound =
                listen(
                        "module.listen",
                        r.listen(),
                        () -> endpoint.bind(r.listen().socketAddress()));
        log.info("module '{}' registers at {}", config.module().name(), bound);
        return endpoint.check(config.module().name());
    }

    private RegistryService openRegistry(DaemonConfig config, long generation) throws Exception {
        Path dir = dataDirectory.resolve("registry");
        MvRegistryStore store =
                MvRegistryStore.open(
                        dir.resolve("registry.mv.db"),
                        config.registry().fsync()
                                ? MvRegistryStore.Durability.FSYNC
                                : MvRegistryStore.Durability.WRITE);
        try {
            Registry tree = new Registry(store, RegistryLimits.DEFAULT);
            log.info(
                    "registry opened: {} keys at seq {} ({}, durability {})",
                    tree.keyCount(),
                    tree.lastSeq(),
                    dir,
                    config.registry().fsync() ? "fsync" : "write");
            RegistryService.Settings settings =
                    new RegistryService.Settings(
                            config.registry().ackTimeout(),
                            RegistryService.Settings.DEFAULT.requestTimeout(),
                            config.registry().maxUnackedChanges(),
                            RegistryService.Settings.DEFAULT.retryDelay(),
                            RegistryService.Settings.DEFAULT.maxRetryDelay(),
                            RegistryService.Settings.DEFAULT.resync());
            return new RegistryService(
                    tree,
                    store,
                    config.nodeId(),
                    config.peer().id(),
                    generation,
                    dir.resolve("kept-aside"),
                    settings,
                    registryEvents(),
                    () ->
                            this.client
                                    .connection(ConnectionKind.AUX)
                                    .or(() -> this.client.connection(ConnectionKind.MAIN)));
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    private MirrorService openMirror(DaemonConfig config, long generation) {
        return new MirrorService(
                config.mirror(),
                config.nodeId(),
                generation,
                dataDirectory.resolve("mirror"),
                RegistryService.Settings.DEFAULT.requestTimeout(),
                mirrorEvents(),
                () ->
                        this.client
                                .connection(ConnectionKind.AUX)
                                .or(() -> this.client.connection(ConnectionKind.MAIN)));
    }

    /** Mirroring events become history events, decision-log lines and metrics. */
    private MirrorEvents mirrorEvents() {
        return new MirrorEvents() {
            @Override
            public void sessionStarted(String role, String peer) {
                record(
                        HistoryEvent.MIRROR,
                        Map.of("what", "session-started", "role", role, "peer", peer));
            }

            @Override
            public void sessionEnded(String role, String peer, String reason) {
                metrics.mirrorSessionEnded(role);
                record(
                        HistoryEvent.MIRROR,
                        Map.of(
                                "what",
                                "session-ended",
                                "role",
                                role,
                                "peer",
                                peer,
                                "reason",
                                reason));
            }

            @Override
            public void synced(
                    String peer, long transferred, long bytes, long deleted, long millis) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("what", "compared");
                f.put("peer", peer);
                f.put("transferred", transferred);
                f.put("bytes", bytes);
                f.put("deleted", deleted);
                f.put("millis", millis);
                record(HistoryEvent.MIRROR, f);
            }

            @Override
            public void keptAside(Path dir, String why) {
                decisions.warn("mirrored files kept aside in {}: {}", dir, why);
                record(
                        HistoryEvent.MIRROR,
                        Map.of("what", "kept-aside", "dir", dir.toString(), "reason", why));
            }

            @Override
            public void securityEvent(String directory, String peer, String detail) {
                decisions.warn(
                        "SECURITY: refused a mirroring step from '{}' for {}: {}",
                        peer,
                        directory,
                        detail);
                record(
                        HistoryEvent.MIRROR,
                        Map.of(
                                "what",
                                "security",
                                "directory",
                                directory,
                                "peer",
                                peer,
                                "detail",
                                detail));
            }

            @Override
            public void failed(String directory, String path, String reason) {
                record(
                        HistoryEvent.MIRROR,
                        Map.of(
                                "what",
                                "failed",
                                "directory",
                                directory,
                                "path",
                                path,
                                "reason",
                                reason));
            }

            @Override
            public void propagated(long nanos) {
                metrics.mirrorPropagated(nanos);
            }
        };
    }

    /** Replication events become history events, decision-log lines and metrics. */
    private RegistryEvents registryEvents() {
        return new RegistryEvents() {
            @Override
            public void sessionStarted(String role, String peer, long seq) {
                record(
                        HistoryEvent.REGISTRY,
                        Map.of("what", "session-started", "role", role, "peer", peer, "seq", seq));
            }

            @Override
            public void sessionEnded(String role, String peer, String reason) {
                metrics.registrySessionEnded(role);
                record(
                        HistoryEvent.REGISTRY,
                        Map.of(
                                "what",
                                "session-ended",
                                "role",
                                role,
                                "peer",
                                peer,
                                "reason",
                                reason));
            }

            @Override
            public void resynchronised(String peer, Resync.Result result, long millis) {
                metrics.registryResync(result, millis);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("what", "compared");
                f.put("peer", peer);
                f.put("complete", result.complete());
                f.put("detail", result.detail());
                f.put("millis", millis);
                f.put("messages", result.stats().messages());
                f.put("bytes", result.stats().bytesSent() + result.stats().bytesReceived());
                f.put("entriesWritten", result.stats().entriesWritten());
                f.put("entriesRemoved", result.stats().entriesRemoved());
                record(HistoryEvent.REGISTRY, f);
            }

            @Override
            public void keptAside(Path file, String why) {
                decisions.warn("registry tree kept aside in {}: {}", file, why);
                record(
                        HistoryEvent.REGISTRY,
                        Map.of("what", "kept-aside", "file", file.toString(), "reason", why));
            }

            @Override
            public void propagated(long nanos) {
                metrics.registryPropagated(nanos);
            }
        };
    }

    private CompletableFuture<byte[]> onPeerMessage(PeerConnection from, byte[] body) {
        PeerMessage message;
        try {
            message = PeerMessageCodec.decode(body);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new RejectedException(e.getMessage()));
        }
        if (!message.nodeId().equals(config.peer().id())) {
            return CompletableFuture.failedFuture(
                    new RejectedException(
                            "core message from '"
                                    + message.nodeId()
                                    + "', this node pairs with '"
                                    + config.peer().id()
                                    + "'"));
        }
        core.execute(() -> machine.onPeerMessage(message));
        return CompletableFuture.completedFuture(new byte[0]);
    }

    private ConnectionListener clientListener() {
        return new ConnectionListener() {
            @Override
            public void established(PeerConnection c) {
                observations.established(c);
                Connection which = NotifierPeerLink.connection(c.kind());
                core.execute(() -> machine.onConnectionChanged(which, true));
                registry.connectionEstablished();
                mirror.connectionEstablished();
            }

            @Override
            public void lost(PeerConnection c, CloseReason reason, String detail) {
                observations.lost(c, reason, detail);
                Connection which = NotifierPeerLink.connection(c.kind());
                core.execute(() -> machine.onConnectionChanged(which, false));
                registry.connectionLost(c);
                mirror.connectionLost(c);
            }

            @Override
            public void failed(
                    SocketAddress remote, CloseReason reason, String detail, boolean byPeer) {
                observations.failed(remote, reason, detail, byPeer);
            }
        };
    }

    private ConnectionListener serverListener() {
        return new ConnectionListener() {
            @Override
            public void established(PeerConnection c) {
                log.info(
                        "peer {} connected ({}) from {}",
                        c.peer().nodeId(),
                        c.kind().wireName(),
                        c.peer().remoteAddress());
            }

            @Override
            public void lost(PeerConnection c, CloseReason reason, String detail) {
                // The primary's replication session runs over the backup's connection to it.
                registry.connectionLost(c);
                mirror.connectionLost(c);
            }
        };
    }

    private CoreListener coreListener() {
        return new CoreListener() {
            @Override
            public void onTransition(Transition t) {
                status = new NodeStatus(t.to().name(), t.generation());
                registry.onTransition(t);
                mirror.onTransition(t);
                metrics.transition(t);
                snmp.ifPresent(s -> s.transition(t));
                if (t.to() == State.PRIMARY && t.from() != State.STARTING) {
                    // The source product's unmistakable line, preceded by its reason.
                    decisions.warn("Reason: {}", t.reason());
                    decisions.warn(
                            "Switch Initiated: {} becomes PRIMARY (generation {}), was {}",
                            config.nodeId(),
                            t.generation(),
                            t.from());
                }
                decisions.info(
                        "{} -> {} (generation {}): {}",
                        t.from(),
                        t.to(),
                        t.generation(),
                        t.reason());
                try {
                    history.appendTransition(t);
                } catch (StorageException e) {
                    log.error("could not record {} in the event history: {}", t, e.getMessage());
                }
                if (t.reason().cause() == Reason.Cause.SPLIT_BRAIN_LOST) {
                    splitBrain("lost", t.reason().detail(), t.generation());
                }
            }

            @Override
            public void onNotice(Notice n) {
                if (n.kind() == Notice.Kind.SPLIT_BRAIN_WON) {
                    splitBrain("won", n.detail(), status.generation());
                }
                metrics.notice(n.kind().name());
                decisions.info("notice {}: {}", n.kind(), n.detail());
                try {
                    history.appendNotice(n);
                } catch (StorageException e) {
                    log.error("could not record {} in the event history: {}", n, e.getMessage());
                }
            }
        };
    }

    /** Two primaries met: alerted (ERROR log, counter) and recorded, whichever side this is. */
    private void splitBrain(String outcome, String detail, long generation) {
        decisions.error(
                "SPLIT BRAIN {} by {} (generation {}): {}",
                outcome,
                config.nodeId(),
                generation,
                detail);
        metrics.splitBrain(outcome);
        snmp.ifPresent(s -> s.splitBrain("won".equals(outcome), detail, generation));
        record(
                HistoryEvent.SPLIT_BRAIN,
                Map.of("outcome", outcome, "detail", detail, "generation", generation));
    }

    private void record(String type, Map<String, ?> fields) {
        try {
            history.append(type, fields);
        } catch (StorageException e) {
            log.error("could not record {} in the event history: {}", type, e.getMessage());
        }
    }

    private static PingObserver both(PingObserver a, PingObserver b) {
        return new PingObserver() {
            @Override
            public void notifierPing(Connection via, Outcome<?> outcome) {
                a.notifierPing(via, outcome);
                b.notifierPing(via, outcome);
            }

            @Override
            public void modulePing(Connection via, Outcome<?> outcome) {
                a.modulePing(via, outcome);
                b.modulePing(via, outcome);
            }
        };
    }

    // ------------------------------------------------------------------ admin operations

    @Override
    public String state() {
        return status.state();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> node = core.call(this::nodeSummary, CORE_CALL_TIMEOUT);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", node);
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("id", config.peer().id());
        peer.put("notifier", config.peerNotifier().toString());
        observations.peer().forEach(peer::putIfAbsent);
        // The peer's own account (with its reason): a primary learns nothing from pings.
        peer.put("reported", peerView.reported(Duration.ofSeconds(1), Duration.ofMillis(300)));
        out.put("peer", peer);
        Map<String, Object> connections = new LinkedHashMap<>();
        connections.put("main", client.isConnected(ConnectionKind.MAIN) ? "up" : "down");
        connections.put("aux", client.isConnected(ConnectionKind.AUX) ? "up" : "down");
        connections.put("fromPeer", server.connections().size());
        connections.put("lastEvent", observations.lastConnectionEvent());
        out.put("connections", connections);
        out.put("pings", observations.notifierPings());
        Map<String, Object> network = new LinkedHashMap<>();
        core.call(() -> machine.lastDiagnosis(), CORE_CALL_TIMEOUT)
                .ifPresentOrElse(
                        d -> {
                            network.put("status", d.network().name());
                            network.put("decidedBy", d.decidedBy().name());
                            network.put("primaryHost", d.primaryHost().name());
                            network.put("connections", d.connections().name());
                            network.put("checks", d.checks());
                        },
                        () ->
                                network.put(
                                        "status",
                                        "not diagnosed yet (a backup diagnoses when a ping fails)"));
        network.put("probes", probe.plan().startupMessage());
        network.put("gateways", probe.localGateways());
        out.put("network", network);
        Map<String, Object> module = new LinkedHashMap<>();
        module.put("name", config.module().name());
        module.put("check", moduleCheck.describe());
        module.put("lastPings", observations.modulePings());
        out.put("module", module);
        Map<String, Object> replication = new LinkedHashMap<>();
        replication.put("registry", registry.status());
        if (mirror.configured()) {
            replication.put("mirror", mirror.status());
        }
        out.put("replication", replication);
        snmp.ifPresent(s -> out.put("snmp", s.status()));
        return out;
    }

    /** This node's state with its reason; on the core's thread. */
    private Map<String, Object> nodeSummary() {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", config.nodeId());
        n.put("cluster", config.cluster());
        n.put("release", release);
        n.put("state", machine.state().name());
        n.put("generation", machine.generation());
        n.put("explanation", machine.explanation());
        machine.lastTransition().ifPresent(t -> n.put("lastTransition", t.toString()));
        n.put("startedAt", startedAt.toString());
        return n;
    }

    /** Answers the peer's {@link PeerView} request: this node's summary, from the core's thread. */
    private CompletableFuture<byte[]> ownAccount() {
        if (closed) {
            return CompletableFuture.failedFuture(
                    new RejectedException(config.nodeId() + " is shutting down"));
        }
        return CompletableFuture.supplyAsync(
                () -> {
                    if (machine == null) {
                        throw new RejectedException(config.nodeId() + " is starting");
                    }
                    Map<String, Object> account = nodeSummary();
                    // The backup pings; a primary's page shows the pair's round trips from here.
                    account.put("pings", observations.notifierPings());
                    account.put("modulePings", observations.modulePings());
                    return PeerView.encode(account);
                },
                core);
    }

    @Override
    public List<Map<String, Object>> events(int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (HistoryEvent e : history.readLast(limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", e.time().toString());
            m.put("sequence", e.sequence());
            m.put("type", e.type());
            m.putAll(e.fields());
            out.add(m);
        }
        return out;
    }

    @Override
    public long lastEventSequence() {
        return history.lastSequence();
    }

    @Override
    public CommandAnswer switchover(boolean force) {
        return answer(core.call(() -> machine.manualSwitchover(force), CORE_CALL_TIMEOUT));
    }

    @Override
    public CommandAnswer rejoin() {
        return answer(core.call(machine::rejoin, CORE_CALL_TIMEOUT));
    }

    private static CommandAnswer answer(CommandResult r) {
        return new CommandAnswer(r instanceof CommandResult.Accepted, r.detail());
    }

    @Override
    public String metrics() {
        return metrics.scrape();
    }

    /** The admin API's bound address. */
    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /** The state as the core holds it now. */
    public State currentState() {
        return core.call(machine::state, CORE_CALL_TIMEOUT);
    }

    public AdminToken token() {
        return token;
    }

    /** The directory mirroring this daemon runs. */
    public MirrorService mirror() {
        return mirror;
    }

    /** The registry this daemon serves and replicates. */
    public RegistryService registry() {
        return registry;
    }

    /**
     * For tests only: closes this node's notifier server (its listener and the peer's connections
     * to it) and nothing else, so that the peer sees this node's notifier die while the core, the
     * admin API and this node's own connections to the peer keep running. switchoverd never calls
     * it.
     */
    void closeNotifierServer() {
        server.close();
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Clean shutdown (SIGTERM): the core stops (outstanding pings end as cancelled) and runs its
     * last transition, the leave hooks run within their bound, the peer is told by each
     * connection's goodbye, then everything else is released.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("switchoverd stopping");
        try {
            core.call(
                    () -> {
                        machine.stop("switchoverd is shutting down");
                        return null;
                    },
                    CORE_CALL_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("core did not stop cleanly: {}", e.getMessage());
        }
        Duration bound = config.hooks().timeout().plusSeconds(5);
        if (!hooks.awaitIdle(bound)) {
            log.warn("hooks still running after {}; stopping them", bound);
        }
        closeResources();
        log.info("switchoverd stopped");
    }

    private void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", resources.get(i), e.toString());
            }
        }
        resources.clear();
    }
}
