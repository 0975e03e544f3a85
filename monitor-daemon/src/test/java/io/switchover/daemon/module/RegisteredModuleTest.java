package io.switchover.daemon.module;

import static io.switchover.daemon.module.CheckResults.detail;
import static io.switchover.daemon.module.CheckResults.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchover.client.ModuleClient;
import io.switchover.client.ModuleHealth;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.session.RejectedException;
import io.switchover.notifier.transport.Backoff;
import io.switchover.notifier.transport.ConnectionListener;
import io.switchover.notifier.transport.NotifierServer;
import io.switchover.notifier.transport.NotifierSettings;
import io.switchover.notifier.transport.PeerClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A daemon's module endpoint and applications registering with it, over real loopback sockets. */
class RegisteredModuleTest {
    static final byte[] TOKEN = "admin-token-0123456789abcdef-xyz".getBytes(StandardCharsets.UTF_8);
    static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> open = new ArrayList<>();
    private ModuleEndpoint endpoint;
    private InetSocketAddress address;

    @BeforeEach
    void startEndpoint() throws Exception {
        endpoint = endpoint();
        address = endpoint.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void check_appRegistered_fineWithTheAppsDetail() throws Exception {
        app("app", () -> CompletableFuture.completedFuture("serving 42 sessions"));
        await().atMost(WAIT).until(() -> endpoint.isRegistered("app"));
        assertThat(detail(endpoint.check("app").check(Duration.ofSeconds(2))))
                .isEqualTo("serving 42 sessions");
    }

    @Test
    void check_appRefuses_failsWithTheAppsOwnReason() {
        app(
                "app",
                () ->
                        CompletableFuture.failedFuture(
                                new RejectedException("database connection lost")));
        await().atMost(WAIT).until(() -> endpoint.isRegistered("app"));
        assertThat(rejection(endpoint.check("app").check(Duration.ofSeconds(2))))
                .isEqualTo("database connection lost");
    }

    @Test
    void check_appThrowsRefusal_failsWithTheAppsOwnReason() {
        app(
                "app",
                () -> {
                    throw new RejectedException("queue full");
                });
        await().atMost(WAIT).until(() -> endpoint.isRegistered("app"));
        assertThat(rejection(endpoint.check("app").check(Duration.ofSeconds(2))))
                .isEqualTo("queue full");
    }

    @Test
    void check_appTooSlow_failsSayingItDidNotAnswer() {
        app("app", CompletableFuture::new);
        await().atMost(WAIT).until(() -> endpoint.isRegistered("app"));
        assertThat(rejection(endpoint.check("app").check(Duration.ofMillis(200))))
                .isEqualTo("module 'app' did not answer within 200ms");
    }

    @Test
    void check_noAppEverRegistered_failsHasNotRegistered() {
        assertThat(rejection(endpoint.check("app").check(Duration.ofSeconds(2))))
                .isEqualTo("module 'app' has not registered with node-a");
    }

    @Test
    void check_appDisconnected_failsHasNotRegistered() throws Exception {
        ModuleClient app = app("app", () -> CompletableFuture.completedFuture("ok"));
        await().atMost(WAIT).until(() -> endpoint.isRegistered("app"));
        app.close();
        await().atMost(WAIT).until(() -> !endpoint.isRegistered("app"));
        assertThat(rejection(endpoint.check("app").check(Duration.ofSeconds(2))))
                .isEqualTo("module 'app' has not registered with node-a");
    }

    @Test
    void register_wrongToken_cannotRegisterAndTheReasonIsLogged() {
        ListAppender<ILoggingEvent> log = capture(ModuleClient.class);
        ModuleClient app =
                open(
                        ModuleClient.builder(
                                        address,
                                        "pair-1",
                                        "not-the-admin-token-0123456789"
                                                .getBytes(StandardCharsets.UTF_8),
                                        "app",
                                        () -> CompletableFuture.completedFuture("ok"))
                                .reconnect(Duration.ofMillis(20), Duration.ofMillis(200))
                                .connect());
        // The first failures may be plain resets that overtook the daemon's goodbye.
        await().atMost(WAIT)
                .until(
                        () ->
                                problem(app).startsWith("authentication-failed: ")
                                        && endpoint.lastFailure().isPresent());
        assertThat(problem(app)).contains("does not verify");
        assertThat(endpoint.lastFailure().get()).startsWith("authentication-failed: ");
        assertThat(app.isRegistered()).isFalse();
        assertThat(endpoint.isRegistered("app")).isFalse();
        assertThat(log.list)
                .anySatisfy(
                        e -> {
                            assertThat(e.getLevel()).isEqualTo(Level.WARN);
                            assertThat(e.getFormattedMessage())
                                    .contains("module 'app' cannot register")
                                    .contains("authentication-failed");
                        });
    }

    @Test
    void register_foreignNodeId_refusedWithTheReason() {
        List<String> failures = new CopyOnWriteArrayList<>();
        PeerClient stranger =
                open(
                        new PeerClient(
                                NotifierSettings.builder(
                                                ModuleClient.clusterName("pair-1"), "node-b")
                                        .sharedSecret(TOKEN)
                                        .reconnect(
                                                new Backoff(
                                                        Duration.ofMillis(20),
                                                        Duration.ofMillis(200)))
                                        .build(),
                                new PeerHandlers(),
                                () -> new NodeStatus("BACKUP", 1),
                                new ConnectionListener() {
                                    @Override
                                    public void failed(
                                            SocketAddress remote,
                                            CloseReason reason,
                                            String detail,
                                            boolean byPeer) {
                                        failures.add(reason.code() + ": " + detail);
                                    }
                                },
                                null,
                                address));
        stranger.start();
        await().atMost(WAIT)
                .until(() -> failures.stream().anyMatch(f -> f.startsWith("peer-refused")));
        assertThat(failures)
                .contains(
                        "peer-refused: 'node-b' is not a module: only applications registering as"
                                + " module:<name> may connect to node-a's module endpoint");
        assertThat(stranger.isConnected(ConnectionKind.MAIN)).isFalse();
    }

    @Test
    void register_moduleNotMonitored_refusedNamingWhatIsMonitored() {
        ModuleClient other = app("other", () -> CompletableFuture.completedFuture("ok"));
        await().atMost(WAIT).until(() -> problem(other).startsWith("peer-refused: "));
        assertThat(problem(other))
                .isEqualTo(
                        "peer-refused: module 'other' is not monitored by node-a (it monitors app)");
        assertThat(other.isRegistered()).isFalse();
    }

    @Test
    void register_wrongCluster_refused() {
        ModuleClient app =
                open(
                        ModuleClient.builder(
                                        address,
                                        "pair-2",
                                        TOKEN,
                                        "app",
                                        () -> CompletableFuture.completedFuture("ok"))
                                .reconnect(Duration.ofMillis(20), Duration.ofMillis(200))
                                .connect());
        await().atMost(WAIT).until(() -> problem(app).startsWith("wrong-cluster: "));
        assertThat(problem(app)).contains("pair-2/local-modules");
    }

    @Test
    void register_daemonRestarts_appRegistersAgainByItself() throws Exception {
        ModuleClient app = app("app", () -> CompletableFuture.completedFuture("back"));
        await().atMost(WAIT).until(() -> endpoint.isRegistered("app"));
        endpoint.close();
        await().atMost(WAIT).until(() -> !app.isRegistered());

        ModuleEndpoint restarted = endpoint();
        restarted.bind(address);
        await().atMost(WAIT).until(() -> restarted.isRegistered("app") && app.isRegistered());
        assertThat(detail(restarted.check("app").check(Duration.ofSeconds(2)))).isEqualTo("back");
    }

    @Test
    void moduleHandler_backupPingsThroughThePrimaryNotifier_appsAnswerAndRefusalReachTheBackup()
            throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        app(
                "app",
                () ->
                        healthy.get()
                                ? CompletableFuture.completedFuture("serving")
                                : CompletableFuture.failedFuture(
                                        new RejectedException("draining")));
        await().atMost(WAIT).until(() -> endpoint.isRegistered("app"));

        // The primary's notifier answers the backup's module pings with the registered check.
        byte[] pairSecret = "pair-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        PeerHandlers primaryHandlers =
                new PeerHandlers()
                        .module(
                                "app",
                                endpoint.check("app").asModuleHandler(Duration.ofSeconds(2)));
        NotifierServer primary =
                open(
                        new NotifierServer(
                                NotifierSettings.builder("pair-1", "node-a")
                                        .sharedSecret(pairSecret)
                                        .build(),
                                primaryHandlers,
                                () -> new NodeStatus("PRIMARY", 1),
                                new ConnectionListener() {},
                                null));
        InetSocketAddress primaryAddress =
                primary.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        PeerClient backup =
                open(
                        new PeerClient(
                                NotifierSettings.builder("pair-1", "node-b")
                                        .sharedSecret(pairSecret)
                                        .build(),
                                new PeerHandlers(),
                                () -> new NodeStatus("BACKUP", 1),
                                new ConnectionListener() {},
                                null,
                                primaryAddress));
        backup.start();
        await().atMost(WAIT).until(() -> backup.isConnected(ConnectionKind.MAIN));

        Outcome<String> fine =
                backup.connection(ConnectionKind.MAIN)
                        .orElseThrow()
                        .pingModule("app", Duration.ofSeconds(3))
                        .get(10, TimeUnit.SECONDS);
        assertThat(fine).isInstanceOf(Outcome.Success.class);
        assertThat(((Outcome.Success<String>) fine).value()).isEqualTo("serving");

        healthy.set(false);
        Outcome<String> refused =
                backup.connection(ConnectionKind.MAIN)
                        .orElseThrow()
                        .pingModule("app", Duration.ofSeconds(3))
                        .get(10, TimeUnit.SECONDS);
        assertThat(refused).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected<String>) refused).reason()).isEqualTo("draining");
    }

    @Test
    void bind_nonLoopbackAddress_refused() {
        ModuleEndpoint exposed = endpoint();
        assertThatThrownBy(() -> exposed.bind(new InetSocketAddress("0.0.0.0", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a loopback address");
    }

    @Test
    void constructor_shortToken_rejected() {
        assertThatThrownBy(
                        () ->
                                new ModuleEndpoint(
                                        "pair-1",
                                        "node-a",
                                        "short".getBytes(StandardCharsets.UTF_8),
                                        Set.of("app"),
                                        null))
                .hasMessageContaining("shared secret is 5 bytes");
    }

    private ModuleEndpoint endpoint() {
        return open(new ModuleEndpoint("pair-1", "node-a", TOKEN, Set.of("app"), null));
    }

    private ModuleClient app(String module, ModuleHealth health) {
        return open(
                ModuleClient.builder(address, "pair-1", TOKEN, module, health)
                        .reconnect(Duration.ofMillis(20), Duration.ofMillis(200))
                        .connect());
    }

    private static String problem(ModuleClient app) {
        return app.lastProblem().orElse("");
    }

    private <T extends AutoCloseable> T open(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private ListAppender<ILoggingEvent> capture(Class<?> type) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        open(() -> logger.detachAppender(appender));
        return appender;
    }
}
