package io.switchover.notifier.bench;

import io.netty.channel.EventLoopGroup;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints the notifier's loopback figures recorded in docs/benchmarks.md:
 *
 * <ol>
 *   <li>ping round trip p50/p99/p99.9/max at a fixed 1,000 pings/s, from the call to the completed
 *       future;
 *   <li>pipelined small-request throughput on one connection.
 * </ol>
 *
 * Two endpoints in one JVM, each with its own event loop thread, shared-secret authentication. Run:
 * {@code mvn -q -pl notifier-protocol test-compile exec:exec@bench} (see the pom). Durations:
 * {@code -Dbench.pingSeconds=30 -Dbench.throughputSeconds=10}.
 */
public final class NotifierBenchmark {
    public static void main(String[] args) throws Exception {
        int pingSeconds = Integer.getInteger("bench.pingSeconds", 30);
        int throughputSeconds = Integer.getInteger("bench.throughputSeconds", 10);
        int inFlight = Integer.getInteger("bench.inFlight", 512);
        byte[] secret = "benchmark-shared-secret-0123456789".getBytes(StandardCharsets.UTF_8);

        EventLoopGroup serverLoop = EventLoops.create("bench-server", 1);
        EventLoopGroup clientLoop = EventLoops.create("bench-client", 1);
        PeerHandlers serverHandlers = new PeerHandlers();
        serverHandlers.request("echo", (from, body) -> CompletableFuture.completedFuture(body));
        NodeStatus primary = new NodeStatus("PRIMARY", 1);
        NotifierServer server =
                new NotifierServer(
                        NotifierSettings.builder("bench", "node-a").sharedSecret(secret).build(),
                        serverHandlers,
                        () -> primary,
                        new ConnectionListener() {},
                        serverLoop);
        InetSocketAddress address =
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        CountDownLatch up = new CountDownLatch(2);
        PeerClient client =
                new PeerClient(
                        NotifierSettings.builder("bench", "node-b").sharedSecret(secret).build(),
                        new PeerHandlers(),
                        () -> new NodeStatus("BACKUP", 1),
                        new ConnectionListener() {
                            @Override
                            public void established(PeerConnection connection) {
                                up.countDown();
                            }
                        },
                        clientLoop,
                        address);
        client.start();
        if (!up.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the pair did not connect");
        }
        PeerConnection main = client.connection(ConnectionKind.MAIN).orElseThrow();
        System.out.printf(
                "notifier benchmark: loopback, JDK %s, %d cores, %s, 1 event loop thread per side,"
                        + " pings sent from %s%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                EventLoops.transport(),
                Boolean.getBoolean("bench.sendFromLoop") ? "the event loop" : "another thread");

        pingLatency(main, 5, false); // warm-up
        pingLatency(main, pingSeconds, true);
        throughput(main, 3, inFlight, false); // warm-up
        throughput(main, throughputSeconds, inFlight, true);

        client.close();
        server.close();
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    static void pingLatency(PeerConnection main, int seconds, boolean print) throws Exception {
        int count = seconds * 1000;
        long[] rtt = new long[count];
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(count);
        // By default pings are sent from a separate thread, as the daemon's core executor will;
        // -Dbench.sendFromLoop=true sends them from the connection's own event loop instead.
        ScheduledExecutorService ticker =
                Boolean.getBoolean("bench.sendFromLoop")
                        ? main.eventLoop()
                        : Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        ticker.scheduleAtFixedRate(
                () -> {
                    int i = sent.getAndIncrement();
                    if (i >= count) {
                        return;
                    }
                    // Round trip from the call to the completed future, as a monitor sees it. The
                    // sends are on a fixed schedule and never wait for answers, so a slow answer
                    // cannot hide the ones behind it (no coordinated omission).
                    main.ping(Duration.ofSeconds(5))
                            .thenAccept(
                                    (Outcome<PingReply> o) -> {
                                        if (o.isSuccess()) {
                                            rtt[done.getAndIncrement()] = o.elapsedNanos();
                                        } else {
                                            failed.incrementAndGet();
                                        }
                                        finished.countDown();
                                    });
                },
                0,
                1,
                TimeUnit.MILLISECONDS);
        finished.await(seconds + 30L, TimeUnit.SECONDS);
        if (!Boolean.getBoolean("bench.sendFromLoop")) {
            ticker.shutdownNow();
        }
        if (!print) {
            return;
        }
        long[] ok = Arrays.copyOf(rtt, done.get());
        Arrays.sort(ok);
        System.out.printf(
                "ping round trip at 1,000/s for %d s: n=%d failed=%d  p50=%.1f us  p99=%.1f us"
                        + "  p99.9=%.1f us  max=%.1f us%n",
                seconds,
                ok.length,
                failed.get(),
                micros(ok, 0.50),
                micros(ok, 0.99),
                micros(ok, 0.999),
                ok.length == 0 ? 0 : ok[ok.length - 1] / 1000.0);
    }

    static void throughput(PeerConnection main, int seconds, int inFlight, boolean print)
            throws Exception {
        Semaphore window = new Semaphore(inFlight);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        byte[] body = new byte[16];
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            window.acquire();
            main.request("echo", body, Duration.ofSeconds(10))
                    .thenAccept(
                            o -> {
                                (o.isSuccess() ? completed : failed).incrementAndGet();
                                window.release();
                            });
        }
        window.acquire(inFlight);
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (print) {
            System.out.printf(
                    "pipelined 16-byte requests on one connection, %d in flight, %d s: %,.0f"
                            + " requests/s (completed=%d failed=%d)%n",
                    inFlight, seconds, completed.get() / elapsed, completed.get(), failed.get());
        }
    }

    static double micros(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }
}
