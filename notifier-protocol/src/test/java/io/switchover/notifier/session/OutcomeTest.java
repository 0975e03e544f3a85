package io.switchover.notifier.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.transport.TestPair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The five outcomes of a request, over real loopback connections. */
class OutcomeTest {
    static final Duration SHORT = Duration.ofMillis(300);

    @Test
    void request_handlerAnswers_success() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.serverHandlers.request(
                    "echo", (from, body) -> CompletableFuture.completedFuture(body));
            Outcome<byte[]> o =
                    pair.clientMain().request("echo", bytes("hi"), Duration.ofSeconds(2)).get();
            assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
            assertThat(((Outcome.Success<byte[]>) o).value()).isEqualTo(bytes("hi"));
            assertThat(pair.clientMain().pendingCount()).isZero();
        }
    }

    @Test
    void request_handlerNeverAnswers_timeoutAndLateAnswerIgnored() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            CompletableFuture<byte[]> parked = new CompletableFuture<>();
            pair.serverHandlers.request("slow", (from, body) -> parked);
            Outcome<byte[]> o = pair.clientMain().request("slow", new byte[0], SHORT).get();
            assertThat(o.kind()).isEqualTo(Outcome.Kind.TIMEOUT);
            assertThat(o.elapsedNanos()).isGreaterThanOrEqualTo(SHORT.toNanos());
            assertThat(pair.clientMain().pendingCount()).isZero();
            parked.complete(bytes("late")); // the late reply arrives and is dropped
            assertThat(pair.clientMain().ping(Duration.ofSeconds(2)).get().isSuccess()).isTrue();
            assertThat(pair.clientMain().isOpen()).isTrue();
        }
    }

    @Test
    void request_unknownOperation_rejectedNamingIt() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            Outcome<byte[]> o = pair.clientMain().request("nope", new byte[0], SHORT).get();
            assertThat(o).isInstanceOf(Outcome.Rejected.class);
            assertThat(((Outcome.Rejected<byte[]>) o).reason())
                    .isEqualTo("operation 'nope' is not served by node-a");
        }
    }

    @Test
    void request_handlerRefuses_rejectedWithItsReason() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.serverHandlers.request(
                    "write",
                    (from, body) -> {
                        throw new RejectedException("this node is BACKUP; the primary is node-b");
                    });
            pair.serverHandlers.request(
                    "boom",
                    (from, body) ->
                            CompletableFuture.failedFuture(new IllegalStateException("bad")));
            Outcome<byte[]> refused = pair.clientMain().request("write", new byte[0], SHORT).get();
            assertThat(((Outcome.Rejected<byte[]>) refused).reason())
                    .isEqualTo("this node is BACKUP; the primary is node-b");
            Outcome<byte[]> boom = pair.clientMain().request("boom", new byte[0], SHORT).get();
            assertThat(((Outcome.Rejected<byte[]>) boom).reason())
                    .isEqualTo("handler failed: IllegalStateException: bad");
        }
    }

    @Test
    void modulePing_registeredModule_successWithDetail_unregistered_rejected() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.serverHandlers.module(
                    "ts", (from, module) -> CompletableFuture.completedFuture("ts up, 3 lines"));
            Outcome<String> up = pair.clientMain().pingModule("ts", SHORT).get();
            assertThat(((Outcome.Success<String>) up).value()).isEqualTo("ts up, 3 lines");
            Outcome<String> none = pair.clientMain().pingModule("ip", SHORT).get();
            assertThat(((Outcome.Rejected<String>) none).reason())
                    .isEqualTo("no module 'ip' is registered on node-a");
            pair.serverHandlers.module(
                    "ts",
                    (from, module) ->
                            CompletableFuture.failedFuture(new RejectedException("ts is down")));
            Outcome<String> down = pair.clientMain().pingModule("ts", SHORT).get();
            assertThat(((Outcome.Rejected<String>) down).reason()).isEqualTo("ts is down");
        }
    }

    @Test
    void request_connectionDropsWhilePending_connectionLossAndNothingLeft() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.serverHandlers.request("park", (from, body) -> new CompletableFuture<>());
            PeerConnection main = pair.clientMain();
            List<CompletableFuture<Outcome<byte[]>>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(main.request("park", new byte[0], Duration.ofSeconds(30)));
            }
            await().until(() -> pair.serverMain().pendingCount() == 0 && main.pendingCount() == 50);
            pair.serverMain().close(CloseReason.PEER_STALLED, "test drops the connection");
            for (var call : calls) {
                Outcome<byte[]> o = call.get(5, TimeUnit.SECONDS);
                assertThat(o.kind()).isEqualTo(Outcome.Kind.CONNECTION_LOSS);
                assertThat(((Outcome.ConnectionLoss<byte[]>) o).detail()).contains("peer-stalled");
            }
            assertThat(main.pendingCount()).isZero();
            assertThat(main.isOpen()).isFalse();
            // A call on the closed connection completes at once.
            Outcome<PingReply> after = main.ping(SHORT).get(1, TimeUnit.SECONDS);
            assertThat(after.kind()).isEqualTo(Outcome.Kind.CONNECTION_LOSS);
        }
    }

    @Test
    void request_localClose_cancelled() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            pair.serverHandlers.request("park", (from, body) -> new CompletableFuture<>());
            PeerConnection main = pair.clientMain();
            var call = main.request("park", new byte[0], Duration.ofSeconds(30));
            var ping = main.ping(Duration.ofSeconds(30));
            await().until(() -> main.pendingCount() == 1);
            main.close();
            assertThat(call.get(5, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.CANCELLED);
            assertThat(ping.get(5, TimeUnit.SECONDS).kind())
                    .isIn(Outcome.Kind.SUCCESS, Outcome.Kind.CANCELLED);
            assertThat(main.pendingCount()).isZero();
            await().until(() -> pair.server.stats().closedByPeer(CloseReason.SHUTDOWN) >= 1);
        }
    }

    @Test
    void ping_manyConcurrentCallers_eachCompletesExactlyOnceAndTableEndsEmpty() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            PeerConnection main = pair.clientMain();
            List<CompletableFuture<Outcome<PingReply>>> calls = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                calls.add(main.ping(Duration.ofSeconds(10)));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(20, TimeUnit.SECONDS);
            assertThat(calls).allSatisfy(c -> assertThat(c.join().isSuccess()).isTrue());
            assertThat(main.pendingCount()).isZero();
            assertThat(pair.serverMain().pendingCount()).isZero();
        }
    }

    @Test
    void ping_fromTheAcceptingSide_answeredByTheConnectingSide() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            Outcome<PingReply> o = pair.serverMain().ping(Duration.ofSeconds(2)).get();
            assertThat(((Outcome.Success<PingReply>) o).value())
                    .isEqualTo(new PingReply("BACKUP", 7));
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
