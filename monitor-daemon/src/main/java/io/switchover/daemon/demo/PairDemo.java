package io.switchover.daemon.demo;

import io.netty.channel.EventLoopGroup;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.session.PingReply;
import io.switchover.notifier.transport.ConnectionListener;
import io.switchover.notifier.transport.EventLoops;
import io.switchover.notifier.transport.NotifierServer;
import io.switchover.notifier.transport.NotifierSettings;
import io.switchover.notifier.transport.PeerClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts two nodes on loopback, node-a as the primary (notifier server with a monitored module
 * "app") and node-b as the backup (main and auxiliary connections to node-a), and prints what the
 * backup sees: notifier pings on both connections and module pings, then the module failing, then
 * the primary's notifier going away. No root, no configuration, nothing left running.
 */
public final class PairDemo {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private PairDemo() {}

    public static void main(String[] args) throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        EventLoopGroup group = EventLoops.create("demo", 2);
        AtomicBoolean moduleUp = new AtomicBoolean(true);

        PeerHandlers primaryHandlers = new PeerHandlers();
        primaryHandlers.module(
                "app",
                (from, module) ->
                        moduleUp.get()
                                ? CompletableFuture.completedFuture("app answered")
                                : CompletableFuture.failedFuture(
                                        new io.switchover.notifier.session.RejectedException(
                                                "app is not answering on node-a")));
        NotifierServer primary =
                new NotifierServer(
                        NotifierSettings.builder("demo", "node-a")
                                .sharedSecret(secret)
                                .release("0.1.0")
                                .build(),
                        primaryHandlers,
                        () -> new NodeStatus("PRIMARY", 1),
                        new Printer("node-a"),
                        group);
        InetSocketAddress address =
                primary.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        say("node-a", "primary: notifier listening on " + address + " (shared-secret auth)");

        PeerClient backup =
                new PeerClient(
                        NotifierSettings.builder("demo", "node-b")
                                .sharedSecret(secret)
                                .release("0.1.0")
                                .build(),
                        new PeerHandlers(),
                        () -> new NodeStatus("BACKUP", 1),
                        new Printer("node-b"),
                        group,
                        address);
        say("node-b", "backup: connecting main and auxiliary connections to " + address);
        backup.start();
        waitFor(
                () ->
                        backup.isConnected(ConnectionKind.MAIN)
                                && backup.isConnected(ConnectionKind.AUX));

        for (int round = 1; round <= 9; round++) {
            if (round == 4) {
                say("demo", "--- making the monitored module on node-a fail ---");
                moduleUp.set(false);
            }
            if (round == 7) {
                say("demo", "--- stopping node-a's notifier ---");
                primary.close();
            }
            for (ConnectionKind kind : ConnectionKind.values()) {
                Outcome<PingReply> ping = backup.ping(kind, TIMEOUT).get();
                say("node-b", kind.wireName() + " ping -> " + describe(ping));
            }
            Outcome<String> module =
                    backup.connection(ConnectionKind.MAIN)
                            .map(c -> c.pingModule("app", TIMEOUT).join())
                            .orElseGet(
                                    () ->
                                            new Outcome.ConnectionLoss<>(
                                                    "main connection is down", 0));
            say("node-b", "module 'app' ping -> " + describe(module));
            Thread.sleep(300);
        }
        backup.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        say("demo", "done: both nodes stopped");
    }

    private static String describe(Outcome<?> o) {
        String micros = String.format("%.0f us", o.elapsedNanos() / 1000.0);
        if (o instanceof Outcome.Success<?> s) {
            Object v = s.value();
            String what =
                    v instanceof PingReply p
                            ? p.state() + ", generation " + p.generation()
                            : String.valueOf(v);
            return "SUCCESS in " + micros + " (" + what + ")";
        }
        if (o instanceof Outcome.Rejected<?> r) {
            return "REJECTED in " + micros + ": " + r.reason();
        }
        if (o instanceof Outcome.ConnectionLoss<?> l) {
            return "CONNECTION_LOSS: " + l.detail();
        }
        return o.kind() + " after " + micros;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the demo pair did not connect within 10 s");
            }
            Thread.sleep(20);
        }
    }

    static void say(String who, String what) {
        System.out.printf("%s %-7s %s%n", LocalTime.now().format(TIME), who, what);
    }

    /** Prints connection events. */
    private record Printer(String node) implements ConnectionListener {
        @Override
        public void established(PeerConnection c) {
            say(
                    node,
                    c.kind().wireName()
                            + " connection established with "
                            + c.peer().nodeId()
                            + " (state "
                            + c.peer().state()
                            + ", release "
                            + c.peer().release()
                            + ", auth "
                            + c.peer().authMethod()
                            + ")");
        }

        @Override
        public void lost(PeerConnection c, CloseReason reason, String detail) {
            say(node, c.kind().wireName() + " connection lost: " + reason.code() + ": " + detail);
        }

        @Override
        public void failed(
                SocketAddress remote, CloseReason reason, String detail, boolean byPeer) {
            say(
                    node,
                    "connection attempt to "
                            + remote
                            + " failed: "
                            + reason.code()
                            + ": "
                            + detail);
        }
    }
}
