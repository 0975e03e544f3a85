package io.switchover.notifier.transport;

import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A notifier server ("primary", node-a) and a client ("backup", node-b) on loopback, with recorded
 * connection events on both sides. Closes everything it started.
 */
public final class TestPair implements AutoCloseable {
    public static final byte[] SECRET =
            "0123456789abcdef-pair-secret".getBytes(StandardCharsets.UTF_8);

    public final EventLoopGroup group = EventLoops.create("test-notifier", 2);
    public final PeerHandlers serverHandlers = new PeerHandlers();
    public final PeerHandlers clientHandlers = new PeerHandlers();
    public final Recorder serverEvents = new Recorder();
    public final Recorder clientEvents = new Recorder();
    public volatile NodeStatus serverStatus = new NodeStatus("PRIMARY", 7);
    public volatile NodeStatus clientStatus = new NodeStatus("BACKUP", 7);
    public final NotifierServer server;
    public final InetSocketAddress address;
    public PeerClient client;

    public TestPair() throws InterruptedException {
        this(UnaryOperator.identity(), UnaryOperator.identity());
    }

    public TestPair(
            UnaryOperator<NotifierSettings.Builder> serverConfig,
            UnaryOperator<NotifierSettings.Builder> clientConfig)
            throws InterruptedException {
        server =
                new NotifierServer(
                        serverConfig.apply(defaults("node-a")).build(),
                        serverHandlers,
                        () -> serverStatus,
                        serverEvents,
                        group);
        address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client =
                new PeerClient(
                        clientConfig.apply(defaults("node-b")).build(),
                        clientHandlers,
                        () -> clientStatus,
                        clientEvents,
                        group,
                        address);
    }

    /** Settings shared by both test nodes: short timeouts so failures show quickly. */
    public static NotifierSettings.Builder defaults(String node) {
        return NotifierSettings.builder("test-cluster", node)
                .release("1.0.0")
                .sharedSecret(SECRET)
                .handshakeTimeout(Duration.ofSeconds(2))
                .keepaliveInterval(Duration.ofMillis(200))
                .idleTimeout(Duration.ofSeconds(2))
                .reconnect(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    /** Starts the client and waits until both connections are established on both sides. */
    public TestPair connect() {
        client.start();
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                client.isConnected(ConnectionKind.MAIN)
                                        && client.isConnected(ConnectionKind.AUX)
                                        && server.connection("node-b", ConnectionKind.MAIN)
                                                .isPresent()
                                        && server.connection("node-b", ConnectionKind.AUX)
                                                .isPresent());
        return this;
    }

    public PeerConnection clientMain() {
        return client.connection(ConnectionKind.MAIN).orElseThrow();
    }

    public PeerConnection serverMain() {
        return server.connection("node-b", ConnectionKind.MAIN).orElseThrow();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        server.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records connection events. */
    public static class Recorder implements ConnectionListener {
        public final List<PeerConnection> established = new CopyOnWriteArrayList<>();
        public final List<String> lost = new CopyOnWriteArrayList<>();
        public final List<Failure> failed = new CopyOnWriteArrayList<>();

        public record Failure(
                SocketAddress remote, CloseReason reason, String detail, boolean byPeer) {}

        @Override
        public void established(PeerConnection connection) {
            established.add(connection);
        }

        @Override
        public void lost(PeerConnection connection, CloseReason reason, String detail) {
            lost.add(connection.kind() + ":" + reason.code() + ":" + detail);
        }

        @Override
        public void failed(
                SocketAddress remote, CloseReason reason, String detail, boolean byPeer) {
            failed.add(new Failure(remote, reason, detail, byPeer));
        }
    }
}
