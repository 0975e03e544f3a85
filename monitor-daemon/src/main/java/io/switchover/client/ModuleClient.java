package io.switchover.client;

import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.transport.Backoff;
import io.switchover.notifier.transport.ConnectionListener;
import io.switchover.notifier.transport.NotifierSettings;
import io.switchover.notifier.transport.PeerClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a local application with its switchover daemon as the monitored module, and answers the
 * daemon's module pings with the application's {@link ModuleHealth}.
 *
 * <pre>{@code
 * ModuleClient client = ModuleClient.connect(
 *         new InetSocketAddress("127.0.0.1", 7401),   // the daemon's module.listen
 *         "pair-1",                                   // the pair's cluster name
 *         ModuleClient.readToken(Path.of("/var/lib/switchover/admin.token")),
 *         "app",                                      // the module name the daemon monitors
 *         () -> CompletableFuture.completedFuture("serving"));
 * ...
 * client.close();
 * }</pre>
 *
 * The connection authenticates with the daemon's admin token (a shared secret: the token never
 * crosses the wire). The client connects in the background and reconnects by itself after any loss,
 * with backoff, until {@link #close()}; {@link #connect} never blocks and never fails for a daemon
 * that is down. Whether it is registered right now is {@link #isRegistered()}; why not is {@link
 * #lastProblem()}, and is logged.
 */
public final class ModuleClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModuleClient.class);

    /** The daemon's module endpoint runs in its own cluster: {@code <cluster>/local-modules}. */
    public static final String CLUSTER_SUFFIX = "/local-modules";

    /** An application registers as node id {@code module:<name>}. */
    public static final String NODE_ID_PREFIX = "module:";

    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String module;
    private final InetSocketAddress daemon;
    private final ExecutorService healthThread;
    private final PeerClient client;
    private volatile String lastProblem;
    private volatile boolean registered;
    private volatile boolean closing;
    private volatile boolean problemStatedByDaemon;

    private ModuleClient(Builder b) {
        this.module = b.module;
        this.daemon = b.daemon;
        this.healthThread =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "module-health-" + b.module);
                            t.setDaemon(true);
                            return t;
                        });
        ModuleHealth health = b.health;
        PeerHandlers handlers =
                new PeerHandlers()
                        .module(
                                module,
                                (from, name) ->
                                        CompletableFuture.supplyAsync(
                                                        () -> checked(health), healthThread)
                                                .thenCompose(Function.identity()));
        NotifierSettings settings =
                NotifierSettings.builder(clusterName(b.cluster), nodeId(module))
                        .sharedSecret(b.token)
                        .reconnect(b.reconnect)
                        .build();
        this.client =
                new PeerClient(
                        settings,
                        handlers,
                        () -> new NodeStatus("module", 0),
                        new Events(),
                        null,
                        daemon);
        client.start();
    }

    /**
     * Starts registering {@code module} with the daemon listening on {@code daemon}, with default
     * reconnect timing. Returns at once; see {@link #isRegistered()}.
     *
     * @param cluster the pair's cluster name, as in the daemon's configuration
     * @param token the daemon's admin token ({@link #readToken(Path)})
     * @throws IllegalArgumentException for an invalid module name or a token shorter than 16 bytes
     */
    public static ModuleClient connect(
            InetSocketAddress daemon,
            String cluster,
            byte[] token,
            String module,
            ModuleHealth health) {
        return builder(daemon, cluster, token, module, health).connect();
    }

    /** A client with more settings than {@link #connect} takes. */
    public static Builder builder(
            InetSocketAddress daemon,
            String cluster,
            byte[] token,
            String module,
            ModuleHealth health) {
        return new Builder(daemon, cluster, token, module, health);
    }

    /**
     * Reads the daemon's admin token file: its content without surrounding whitespace, as UTF-8
     * bytes. The daemon derives its module endpoint's secret the same way, so a trailing newline
     * added by an editor or {@code echo} does not matter.
     */
    public static byte[] readToken(Path tokenFile) throws IOException {
        return Files.readString(tokenFile, StandardCharsets.UTF_8)
                .strip()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The cluster name of a pair's module endpoint. */
    public static String clusterName(String cluster) {
        return cluster + CLUSTER_SUFFIX;
    }

    /** The node id an application registering {@code module} announces. */
    public static String nodeId(String module) {
        return NODE_ID_PREFIX + checkedModuleName(module);
    }

    /**
     * Validates a module name: 1-64 characters, letters, digits, {@code .}, {@code _}, {@code -},
     * starting with a letter or digit.
     *
     * @throws IllegalArgumentException naming the rule
     */
    public static String checkedModuleName(String module) {
        if (module == null || !MODULE_NAME.matcher(module).matches()) {
            throw new IllegalArgumentException(
                    "module name '"
                            + module
                            + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a"
                            + " letter or digit");
        }
        return module;
    }

    /**
     * Runs the application's check on the health thread, never on the connection's event loop, so
     * that a slow check cannot stall keepalives and other pings.
     */
    private static CompletionStage<String> checked(ModuleHealth health) {
        CompletionStage<String> answer = health.check();
        if (answer == null) {
            throw new IllegalStateException("ModuleHealth.check() returned no stage");
        }
        return answer;
    }

    public String module() {
        return module;
    }

    /** Whether the daemon accepted the registration and the connection is up right now. */
    public boolean isRegistered() {
        return client.isConnected(ConnectionKind.MAIN) || client.isConnected(ConnectionKind.AUX);
    }

    /**
     * Why the last registration attempt failed or the last connection ended (e.g. {@code
     * authentication-failed: shared-secret proof ... does not verify}); empty once registered.
     */
    public Optional<String> lastProblem() {
        return Optional.ofNullable(lastProblem);
    }

    /** Unregisters: closes the connections, telling the daemon, and stops reconnecting. */
    @Override
    public void close() {
        closing = true;
        client.close();
        healthThread.shutdownNow();
    }

    private final class Events implements ConnectionListener {
        @Override
        public void established(PeerConnection connection) {
            lastProblem = null;
            problemStatedByDaemon = false;
            if (!registered) {
                registered = true;
                log.info(
                        "module '{}' registered with daemon '{}' at {}",
                        module,
                        connection.peer().nodeId(),
                        daemon);
            }
        }

        @Override
        public void lost(PeerConnection connection, CloseReason reason, String detail) {
            if (closing) {
                return;
            }
            lastProblem = reason.code() + ": " + detail;
            problemStatedByDaemon = false;
            if (registered && !isRegistered()) {
                registered = false;
                log.warn(
                        "module '{}' is no longer registered with the daemon at {} ({}: {});"
                                + " reconnecting",
                        module,
                        daemon,
                        reason.code(),
                        detail);
            }
        }

        @Override
        public void failed(
                SocketAddress remote, CloseReason reason, String detail, boolean byPeer) {
            String problem = reason.code() + ": " + detail;
            if (reason == CloseReason.CONNECTION_CLOSED && !byPeer && problemStatedByDaemon) {
                // A refused connection sometimes ends in a reset that overtakes the daemon's
                // goodbye; the reason the daemon gave on an earlier attempt is the useful one.
                log.debug("module '{}' still cannot register: {}", module, problem);
                return;
            }
            String previous = lastProblem;
            lastProblem = problem;
            problemStatedByDaemon = byPeer;
            // Logged once per distinct reason: the client retries for ever, the log must not.
            if (!problem.equals(previous)) {
                log.warn(
                        "module '{}' cannot register with the daemon at {}: {}{}",
                        module,
                        daemon,
                        problem,
                        byPeer ? " (said the daemon)" : "");
            } else {
                log.debug("module '{}' still cannot register: {}", module, problem);
            }
        }
    }

    /** Settings beyond {@link #connect}'s. */
    public static final class Builder {
        private final InetSocketAddress daemon;
        private final String cluster;
        private final byte[] token;
        private final String module;
        private final ModuleHealth health;
        private Backoff reconnect = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

        private Builder(
                InetSocketAddress daemon,
                String cluster,
                byte[] token,
                String module,
                ModuleHealth health) {
            this.daemon = Objects.requireNonNull(daemon, "daemon");
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            this.token = Objects.requireNonNull(token, "token").clone();
            this.module = checkedModuleName(module);
            this.health = Objects.requireNonNull(health, "health");
        }

        /** Reconnect delays: exponential from {@code initial} up to {@code max}, with jitter. */
        public Builder reconnect(Duration initial, Duration max) {
            this.reconnect = new Backoff(initial, max);
            return this;
        }

        /** Starts the client: see {@link ModuleClient#connect}. */
        public ModuleClient connect() {
            return new ModuleClient(this);
        }
    }
}
