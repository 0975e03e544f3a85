package io.switchover.daemon.module;

import io.netty.channel.EventLoopGroup;
import io.switchover.client.ModuleClient;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.session.PeerInfo;
import io.switchover.notifier.transport.NotifierServer;
import io.switchover.notifier.transport.NotifierSettings;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where local applications register as the monitored module: a notifier server on a loopback
 * address, in cluster {@code <cluster>/local-modules}, authenticating with the daemon's admin token
 * as the shared secret. An application connects with {@link ModuleClient} as node id {@code
 * module:<name>}; only the names this daemon monitors are accepted, anything else is refused with
 * the reason (which the application logs).
 *
 * <p>Its connections carry module pings from the daemon to the application, nothing else: it
 * registers no handler of its own. It never listens on anything but a loopback address: a remote
 * host is not a local module, and the token must not be guessable from the network.
 */
public final class ModuleEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModuleEndpoint.class);

    private final String nodeId;
    private final Set<String> modules;
    private final NotifierServer server;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String lastFailure;

    /**
     * @param cluster the pair's cluster name
     * @param nodeId this daemon's node id
     * @param token the daemon's admin token bytes, as applications read them ({@link
     *     ModuleClient#readToken}); at least 16 bytes
     * @param modules the module names applications may register as (the monitored module)
     * @param group the event loops to share, or {@code null} for a private one
     * @throws IllegalArgumentException for an invalid module name, node id or token
     */
    public ModuleEndpoint(
            String cluster,
            String nodeId,
            byte[] token,
            Set<String> modules,
            EventLoopGroup group) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.modules = Set.copyOf(modules);
        this.modules.forEach(ModuleClient::checkedModuleName);
        if (this.modules.isEmpty()) {
            throw new IllegalArgumentException("a module endpoint needs at least one module name");
        }
        NotifierSettings settings =
                NotifierSettings.builder(ModuleClient.clusterName(cluster), nodeId)
                        .sharedSecret(token)
                        .policy(this::refusal)
                        .build();
        this.server =
                new NotifierServer(
                        settings,
                        new PeerHandlers(),
                        () -> new NodeStatus("serving", 0),
                        new Events(),
                        group);
    }

    /**
     * Starts listening; returns the bound address (useful with port 0).
     *
     * @throws IllegalArgumentException when {@code address} is not a loopback address
     */
    public InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        if (address.isUnresolved() || !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException(
                    "module.listen "
                            + address
                            + " is not a loopback address: only applications on this host may"
                            + " register, e.g. 127.0.0.1:7401");
        }
        InetSocketAddress bound = server.bind(address);
        log.info("module endpoint listening on {} for module(s) {}", bound, new TreeSet<>(modules));
        return bound;
    }

    /** This daemon's node id, as the endpoint announces it. */
    public String nodeId() {
        return nodeId;
    }

    /** The check that pings {@code module} through its registered application. */
    public RegisteredModuleCheck check(String module) {
        return new RegisteredModuleCheck(this, module);
    }

    /** Whether an application is registered as {@code module} right now. */
    public boolean isRegistered(String module) {
        return connection(module).isPresent();
    }

    /**
     * Why the last registration attempt failed ({@code authentication-failed: ...}), for status;
     * empty when none failed.
     */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** The registered application's connection, main first. */
    Optional<PeerConnection> connection(String module) {
        String node = ModuleClient.nodeId(module);
        return server.connection(node, ConnectionKind.MAIN)
                .or(() -> server.connection(node, ConnectionKind.AUX));
    }

    /** Stops listening and closes every application's connection, telling it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.close();
        }
    }

    private Optional<String> refusal(PeerInfo peer) {
        String id = peer.nodeId();
        if (!id.startsWith(ModuleClient.NODE_ID_PREFIX)) {
            return Optional.of(
                    "'"
                            + id
                            + "' is not a module: only applications registering as "
                            + ModuleClient.NODE_ID_PREFIX
                            + "<name> may connect to "
                            + nodeId
                            + "'s module endpoint");
        }
        String module = id.substring(ModuleClient.NODE_ID_PREFIX.length());
        if (!modules.contains(module)) {
            return Optional.of(
                    "module '"
                            + module
                            + "' is not monitored by "
                            + nodeId
                            + " (it monitors "
                            + String.join(", ", new TreeSet<>(modules))
                            + ")");
        }
        return Optional.empty();
    }

    private final class Events implements io.switchover.notifier.transport.ConnectionListener {
        @Override
        public void established(PeerConnection connection) {
            log.info(
                    "{} registered ({} connection from {})",
                    connection.peer().nodeId(),
                    connection.kind().wireName(),
                    connection.peer().remoteAddress());
        }

        @Override
        public void lost(PeerConnection connection, CloseReason reason, String detail) {
            log.info(
                    "{} {} connection ended: {}: {}",
                    connection.peer().nodeId(),
                    connection.kind().wireName(),
                    reason.code(),
                    detail);
        }

        @Override
        public void failed(
                SocketAddress remote, CloseReason reason, String detail, boolean byPeer) {
            String failure = reason.code() + ": " + detail;
            // An application with a wrong token retries for ever: log each distinct reason once.
            if (!failure.equals(lastFailure)) {
                log.warn("a module registration from {} failed: {}", remote, failure);
            } else {
                log.debug("a module registration from {} failed: {}", remote, failure);
            }
            lastFailure = failure;
        }
    }
}
