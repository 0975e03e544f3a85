package io.switchover.notifier.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.ConnectionKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Handshake and shared-secret authentication over real loopback sockets. */
class HandshakeTest {
    @Test
    void handshake_sameClusterAndSecret_establishesMainAndAuxWithPeerIdentity() throws Exception {
        try (TestPair pair =
                new TestPair(b -> b.capabilities(java.util.List.of("streams")), b -> b).connect()) {
            var info = pair.clientMain().peer();
            assertThat(info.cluster()).isEqualTo("test-cluster");
            assertThat(info.nodeId()).isEqualTo("node-a");
            assertThat(info.release()).isEqualTo("1.0.0");
            assertThat(info.protocolVersion()).isEqualTo(1);
            assertThat(info.state()).isEqualTo("PRIMARY");
            assertThat(info.generation()).isEqualTo(7);
            assertThat(info.capabilities()).containsExactly("streams");
            assertThat(info.authMethod()).isEqualTo("hmac-sha256");
            assertThat(pair.server.connection("node-b", ConnectionKind.AUX).orElseThrow().kind())
                    .isEqualTo(ConnectionKind.AUX);
            assertThat(pair.server.stats().establishedCount()).isEqualTo(2);
            assertThat(pair.client.stats().establishedCount()).isEqualTo(2);
        }
    }

    @Test
    void handshake_wrongCluster_closedWithReasonLoggedAndCountedOnBothSides() throws Exception {
        try (TestPair pair =
                new TestPair(
                        b -> b,
                        b ->
                                NotifierSettings.builder("other-cluster", "node-b")
                                        .sharedSecret(TestPair.SECRET)
                                        .reconnect(
                                                new Backoff(
                                                        Duration.ofMillis(50),
                                                        Duration.ofMillis(100))))) {
            pair.client.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    pair.server.stats().closedLocally(CloseReason.WRONG_CLUSTER)
                                                    >= 1
                                            && pair.client
                                                            .stats()
                                                            .closedByPeer(CloseReason.WRONG_CLUSTER)
                                                    >= 1);
            assertThat(pair.clientEvents.failed)
                    .anySatisfy(
                            f -> {
                                assertThat(f.reason()).isEqualTo(CloseReason.WRONG_CLUSTER);
                                assertThat(f.byPeer()).isTrue();
                                assertThat(f.detail())
                                        .contains("other-cluster")
                                        .contains("test-cluster");
                            });
            assertThat(pair.serverEvents.failed)
                    .anySatisfy(f -> assertThat(f.reason()).isEqualTo(CloseReason.WRONG_CLUSTER));
            assertThat(pair.client.isConnected(ConnectionKind.MAIN)).isFalse();
            assertThat(pair.serverEvents.established).isEmpty();
        }
    }

    @Test
    void handshake_wrongSecret_refusedByTheAcceptingSideAndCountedOnBoth() throws Exception {
        byte[] other = "another-secret-of-enough-bytes".getBytes(StandardCharsets.UTF_8);
        try (TestPair pair = new TestPair(b -> b, b -> b.sharedSecret(other))) {
            pair.client.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    pair.server
                                                            .stats()
                                                            .closedLocally(
                                                                    CloseReason
                                                                            .AUTHENTICATION_FAILED)
                                                    >= 1
                                            && pair.client
                                                            .stats()
                                                            .closedByPeer(
                                                                    CloseReason
                                                                            .AUTHENTICATION_FAILED)
                                                    >= 1);
            assertThat(pair.clientEvents.failed)
                    .anySatisfy(f -> assertThat(f.detail()).contains("different secrets"));
            assertThat(pair.serverEvents.established).isEmpty();
            assertThat(pair.clientEvents.established).isEmpty();
        }
    }

    @Test
    void handshake_authMethodMismatch_refused() throws Exception {
        try (TestPair pair = new TestPair(b -> b, b -> b)) {
            // Same secret, but the client announces TLS+HMAC while the server uses HMAC only is
            // covered in TlsTest; here the peer claims the server's own node id.
            pair.client.close();
            pair.client =
                    new PeerClient(
                            TestPair.defaults("node-a").build(),
                            pair.clientHandlers,
                            () -> pair.clientStatus,
                            pair.clientEvents,
                            pair.group,
                            pair.address);
            pair.client.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> pair.server.stats().closedLocally(CloseReason.PEER_REFUSED) >= 1);
            assertThat(pair.clientEvents.failed)
                    .anySatisfy(f -> assertThat(f.detail()).contains("connecting to itself"));
        }
    }

    @Test
    void handshake_policyRefusesNode_refusedWithThePolicyReason() throws Exception {
        try (TestPair pair =
                new TestPair(
                        b ->
                                b.policy(
                                        peer ->
                                                peer.nodeId().equals("node-c")
                                                        ? Optional.empty()
                                                        : Optional.of(
                                                                "only node-c may connect, not "
                                                                        + peer.nodeId())),
                        b -> b)) {
            pair.client.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> pair.client.stats().closedByPeer(CloseReason.PEER_REFUSED) >= 1);
            assertThat(pair.clientEvents.failed)
                    .anySatisfy(
                            f ->
                                    assertThat(f.detail())
                                            .isEqualTo("only node-c may connect, not node-b"));
        }
    }

    @Test
    void connection_secondMainFromSameNode_supersedesTheFirst() throws Exception {
        try (TestPair pair = new TestPair().connect()) {
            var firstServerSide = pair.serverMain();
            PeerClient second =
                    new PeerClient(
                            TestPair.defaults("node-b").build(),
                            pair.clientHandlers,
                            () -> pair.clientStatus,
                            new TestPair.Recorder(),
                            pair.group,
                            pair.address);
            try {
                second.start();
                await().atMost(Duration.ofSeconds(5))
                        .until(
                                () ->
                                        !firstServerSide.isOpen()
                                                && pair.server
                                                        .connection("node-b", ConnectionKind.MAIN)
                                                        .isPresent());
                assertThat(firstServerSide.closeReason()).isEqualTo(CloseReason.SUPERSEDED);
                // The first client now reconnects and supersedes the second in turn: at most one
                // main connection per node is ever kept.
                assertThat(pair.server.connections())
                        .filteredOn(c -> c.kind() == ConnectionKind.MAIN)
                        .hasSizeLessThanOrEqualTo(1);
            } finally {
                second.close();
            }
        }
    }
}
