package io.switchover.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.state.State;
import io.switchover.daemon.testing.AdminHttp;
import io.switchover.daemon.testing.PrometheusText;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real daemons in this JVM on loopback: the notifier, the core, probes, module checks, stores,
 * hooks, metrics and the admin API wired as switchoverd wires them, driven through the admin API
 * and the sockets they watch. node-a starts first and is primary; node-b is its backup.
 */
class DaemonPairTest {
    @TempDir Path dir;

    // ------------------------------------------------------------------ startup, handshake, pings

    @Test
    void start_aThenB_aPrimaryAndBBackupWithSteadyPings() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            TestNode a = pair.a();
            TestNode b = pair.b();

            assertThat(a.state()).isEqualTo(State.PRIMARY);
            assertThat(b.state()).isEqualTo(State.BACKUP);
            assertTransitions(a, "STARTING -> PRIMARY PEER_NOT_CONTACTED");
            assertTransitions(b, "STARTING -> BACKUP PEER_IS_PRIMARY");
            // The backup takes on its primary's generation.
            long generation = gen(a.lastTransition());
            assertThat(generation).isPositive();
            assertThat(gen(b.lastTransition())).isEqualTo(generation);
            assertThat(b.status().path("node").path("generation").asLong()).isEqualTo(generation);

            JsonNode status = b.status();
            assertThat(status.path("peer").path("id").asText()).isEqualTo("node-a");
            assertThat(status.path("peer").path("state").asText()).isEqualTo("PRIMARY");
            assertThat(status.path("peer").path("auth").asText()).isEqualTo("hmac-sha256");
            assertThat(status.path("connections").path("main").asText()).isEqualTo("up");
            awaitConnections(b, "up", "up");
            awaitConnections(a, "up", "up");
            // Steady: ping after ping succeeds, each with a round trip time.
            Instant first = lastMainPing(b);
            await("a later ping from node-b")
                    .atMost(TestNode.STATE_CHANGE)
                    .until(() -> lastMainPing(b).isAfter(first));
            JsonNode main = b.status().path("pings").path("main");
            assertThat(main.path("outcome").asText()).isEqualTo("SUCCESS");
            assertThat(main.path("rttMicros").asDouble()).isPositive();
            assertThat(b.state()).isEqualTo(State.BACKUP);
            assertThat(b.transitions()).hasSize(1);
        }
    }

    @Test
    void start_bothAtOnce_exactlyOnePrimaryByTheTieBreak() throws Exception {
        // Neither window can expire before the two handshakes meet: the tie-break decides.
        try (TestPair pair =
                TestPair.builder(dir)
                        .a(y -> y.startupWindow("10s"))
                        .b(y -> y.startupWindow("10s"))
                        .build()) {
            pair.a().start();
            pair.b().start();

            await("one primary, one backup")
                    .atMost(TestNode.STATE_CHANGE)
                    .until(
                            () ->
                                    List.of(pair.a().state(), pair.b().state())
                                            .containsAll(List.of(State.PRIMARY, State.BACKUP)));
            TestNode winner = pair.a().state() == State.PRIMARY ? pair.a() : pair.b();
            TestNode loser = winner == pair.a() ? pair.b() : pair.a();
            assertThat(winner.lastTransition().path("cause").asText()).isEqualTo("TIE_BREAK_WON");
            assertThat(loser.lastTransition().path("cause").asText()).isEqualTo("PEER_IS_PRIMARY");
            assertThat(winner.transitions()).hasSize(1);
            assertThat(loser.transitions()).hasSize(1);
        }
    }

    @Test
    void start_adminPortTaken_failsNamingTheAddressAndReleasesTheRest() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a();
            int port = a.adminUrl().getPort();
            try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThatThrownBy(a::start)
                        .hasMessageContaining("admin.listen")
                        .hasMessageContaining("127.0.0.1:" + port);
            }

            // The failed start let go of the data directory's lock and the notifier's port.
            a.start().awaitState(State.PRIMARY);
        }
    }

    @Test
    void start_notifierPortTaken_failsNamingTheAddress() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a();
            int port = a.notifierPort();
            try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThatThrownBy(a::start)
                        .hasMessageContaining("notifier.listen")
                        .hasMessageContaining("127.0.0.1:" + port);
            }
        }
    }

    // ------------------------------------------------------------------ automatic switchover

    @Test
    void closeNotifierServer_ofPrimary_backupTakesOverAndOldPrimaryFails() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            TestNode a = pair.a();
            TestNode b = pair.b();

            long before = gen(a.lastTransition());

            a.daemon().closeNotifierServer();

            b.awaitState(State.PRIMARY);
            List<JsonNode> taken = b.transitions();
            assertThat(describe(taken.get(1)))
                    .isEqualTo("BACKUP -> RECONNECTING NOTIFIER_PING_FAILED");
            assertThat(taken.get(1).path("detail").asText())
                    .contains("lost the MAIN connection", "REMOTE_NOTIFIER_DOWN");
            assertThat(describe(taken.get(2)))
                    .isEqualTo("RECONNECTING -> PRIMARY RECONNECT_ATTEMPTS_EXHAUSTED");
            assertThat(taken.get(2).path("detail").asText()).contains("lost the MAIN connection");
            long promoted = gen(taken.get(2));
            assertThat(promoted).isGreaterThan(before);
            // node-a still reaches node-b's notifier, so it learns of the takeover.
            a.awaitState(State.FAILED);
            assertThat(describe(a.lastTransition())).isEqualTo("PRIMARY -> FAILED PEER_TOOK_OVER");
            assertThat(a.lastTransition().path("detail").asText())
                    .contains("'node-b' generation " + promoted);
        }
    }

    @Test
    void stop_primary_backupTakesOverNamingTheLostNotifier() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            TestNode b = pair.b();
            long before = gen(b.lastTransition());

            pair.a().stop();

            b.awaitState(State.PRIMARY);
            assertTransitions(
                    b,
                    "STARTING -> BACKUP PEER_IS_PRIMARY",
                    "BACKUP -> RECONNECTING NOTIFIER_PING_FAILED",
                    "RECONNECTING -> PRIMARY RECONNECT_ATTEMPTS_EXHAUSTED");
            assertThat(gen(b.lastTransition())).isGreaterThan(before);
            assertThat(b.status().path("node").path("explanation").asText())
                    .startsWith("RECONNECT_ATTEMPTS_EXHAUSTED")
                    .contains("connection");
        }
    }

    @Test
    void moduleFails_onPrimary_backupTakesOverWithModuleDownAndOldPrimaryRejoins()
            throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            TestNode a = pair.a();
            TestNode b = pair.b();

            long before = gen(a.lastTransition());

            a.module().close();

            b.awaitState(State.PRIMARY);
            List<JsonNode> taken = b.transitions();
            assertThat(describe(taken.get(1)))
                    .isEqualTo("BACKUP -> RECONNECTING MODULE_PING_FAILED");
            assertThat(taken.get(1).path("detail").asText())
                    .contains("connection refused", "both connections up");
            assertThat(describe(taken.get(2))).isEqualTo("RECONNECTING -> PRIMARY MODULE_DOWN");
            long promoted = gen(taken.get(2));
            assertThat(promoted).isGreaterThan(before);
            assertThat(b.status().path("connections").path("main").asText()).isEqualTo("up");
            a.awaitState(State.FAILED);
            assertThat(describe(a.lastTransition())).isEqualTo("PRIMARY -> FAILED PEER_TOOK_OVER");

            // The operator brings node-a back: a backup of node-b, watching node-b's module.
            AdminHttp.Reply rejoin = a.admin().post("rejoin");
            assertThat(rejoin.status()).isEqualTo(200);
            a.awaitWatching();
            assertTransitions(
                    a,
                    "STARTING -> PRIMARY PEER_NOT_CONTACTED",
                    "PRIMARY -> FAILED PEER_TOOK_OVER",
                    "FAILED -> STARTING OPERATOR_REJOIN",
                    "STARTING -> BACKUP PEER_IS_PRIMARY");
            assertThat(gen(a.lastTransition())).isEqualTo(promoted);
            assertThat(b.state()).isEqualTo(State.PRIMARY);
        }
    }

    // ------------------------------------------------------------------ operator commands

    @Test
    void switch_onBackupThenOnNewPrimary_rolesSwapBothWays() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            long first = gen(a.lastTransition());

            AdminHttp.Reply asked = b.admin().post("switch");
            assertThat(asked.status()).isEqualTo(200);
            assertThat(asked.json().path("accepted").asBoolean()).isTrue();
            b.awaitState(State.PRIMARY);
            a.awaitState(State.BACKUP);
            assertThat(describe(b.lastTransition()))
                    .isEqualTo("BACKUP -> PRIMARY MANUAL_SWITCHOVER");
            assertThat(describe(a.lastTransition()))
                    .isEqualTo("PRIMARY -> BACKUP MANUAL_SWITCHOVER");
            long second = gen(b.lastTransition());
            assertThat(second).isGreaterThan(first);
            assertThat(gen(a.lastTransition())).isEqualTo(second);
            a.awaitWatching();

            // Back again, asked on the primary this time.
            AdminHttp.Reply back = b.admin().post("switch");
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            a.awaitState(State.PRIMARY);
            b.awaitState(State.BACKUP);
            assertThat(describe(a.lastTransition()))
                    .isEqualTo("BACKUP -> PRIMARY MANUAL_SWITCHOVER");
            assertThat(describe(b.lastTransition()))
                    .isEqualTo("PRIMARY -> BACKUP MANUAL_SWITCHOVER");
            long third = gen(a.lastTransition());
            assertThat(third).isGreaterThan(second);
            assertThat(gen(b.lastTransition())).isEqualTo(third);
            assertThat(a.status().path("node").path("generation").asLong()).isEqualTo(third);
            b.awaitWatching();
        }
    }

    @Test
    void rejoin_failedAfterSwitchAcrossReleases_returnsAsBackup() throws Exception {
        try (TestPair pair = TestPair.builder(dir).b(y -> y.release("1.1.0")).build().start()) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            assertThat(b.state()).isEqualTo(State.UPGRADE_HIGHER);
            long before = gen(a.lastTransition());

            assertThat(b.admin().post("switch").status()).isEqualTo(200);
            b.awaitState(State.PRIMARY);
            a.awaitState(State.FAILED);
            assertThat(describe(b.lastTransition()))
                    .isEqualTo("UPGRADE_HIGHER -> PRIMARY MANUAL_SWITCHOVER");
            long promoted = gen(b.lastTransition());
            assertThat(promoted).isGreaterThan(before);
            assertThat(describe(a.lastTransition()))
                    .isEqualTo("PRIMARY -> FAILED MANUAL_SWITCHOVER");
            assertThat(a.lastTransition().path("detail").asText()).contains("releases differ");

            AdminHttp.Reply refused = b.admin().post("rejoin");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json().path("detail").asText())
                    .isEqualTo("rejoin applies to a FAILED node; this node is PRIMARY");

            AdminHttp.Reply rejoin = a.admin().post("rejoin");
            assertThat(rejoin.status()).isEqualTo(200);
            assertThat(rejoin.json().path("accepted").asBoolean()).isTrue();
            a.awaitState(State.UPGRADE_LOWER);
            assertTransitions(
                    a,
                    "STARTING -> PRIMARY PEER_NOT_CONTACTED",
                    "PRIMARY -> FAILED MANUAL_SWITCHOVER",
                    "FAILED -> STARTING OPERATOR_REJOIN",
                    "STARTING -> UPGRADE_LOWER PEER_IS_PRIMARY");
            assertThat(gen(a.lastTransition())).isEqualTo(promoted);
        }
    }

    // ------------------------------------------------------------------ hooks

    @Test
    void hooks_switchoverAndShutdown_leaveBeforeEnterWithTheTransitionInTheEnvironment()
            throws Exception {
        try (TestPair pair = TestPair.builder(dir).recordHooks().build().start()) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            awaitHookRuns(a, 1);
            awaitHookRuns(b, 1);

            long first = gen(a.lastTransition());
            assertThat(b.admin().post("switch").status()).isEqualTo(200);
            b.awaitState(State.PRIMARY);
            a.awaitState(State.BACKUP);
            long second = gen(b.lastTransition());
            awaitHookRuns(a, 3);
            awaitHookRuns(b, 3);
            a.stop(); // a clean shutdown waits for its hooks

            assertThat(a.hookRuns().stream().map(DaemonPairTest::describeHook))
                    .containsExactly(
                            "node-a enter PRIMARY: STARTING -> PRIMARY PEER_NOT_CONTACTED gen "
                                    + first,
                            "node-a leave PRIMARY: PRIMARY -> BACKUP MANUAL_SWITCHOVER gen "
                                    + second,
                            "node-a enter BACKUP: PRIMARY -> BACKUP MANUAL_SWITCHOVER gen "
                                    + second,
                            "node-a leave BACKUP: BACKUP -> STOPPED SHUTDOWN gen " + second);
            assertThat(b.hookRuns().stream().map(DaemonPairTest::describeHook))
                    .containsExactly(
                            "node-b enter BACKUP: STARTING -> BACKUP PEER_IS_PRIMARY gen " + first,
                            "node-b leave BACKUP: BACKUP -> PRIMARY MANUAL_SWITCHOVER gen "
                                    + second,
                            "node-b enter PRIMARY: BACKUP -> PRIMARY MANUAL_SWITCHOVER gen "
                                    + second);
            Map<String, String> handedOver = a.hookRuns().get(1);
            assertThat(handedOver)
                    .containsOnlyKeys(
                            "SWITCHOVER_EVENT",
                            "SWITCHOVER_ROLE",
                            "SWITCHOVER_STATE",
                            "SWITCHOVER_PREVIOUS_STATE",
                            "SWITCHOVER_REASON",
                            "SWITCHOVER_REASON_DETAIL",
                            "SWITCHOVER_GENERATION",
                            "SWITCHOVER_NODE");
            assertThat(handedOver.get("SWITCHOVER_REASON_DETAIL"))
                    .startsWith("handed over to 'node-b'");
            assertThat(b.hookRuns().get(2).get("SWITCHOVER_REASON_DETAIL"))
                    .startsWith("requested on this node");
        }
    }

    // ------------------------------------------------------------------ admin API

    @Test
    void health_withoutToken_okWithTheState() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a().start();

            AdminHttp.Reply health = a.admin().withoutToken().get("health");

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("ok");
            assertThat(health.json().path("state").asText()).isIn("STARTING", "PRIMARY");
        }
    }

    @Test
    void status_withoutToken_401NamingTheTokenFile() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a().start();

            for (String path : List.of("status", "events", "metrics")) {
                AdminHttp.Reply reply = a.admin().withoutToken().get(path);
                assertThat(reply.status()).as(path).isEqualTo(401);
                assertThat(reply.contentType()).isEqualTo("application/json");
                assertThat(reply.json().path("error").asText())
                        .contains("Authorization: Bearer")
                        .contains(a.dataDir().resolve("admin.token").toString());
            }
            assertThat(a.admin().withoutToken().post("switch").status()).isEqualTo(401);
            assertThat(a.state()).isIn(State.STARTING, State.PRIMARY);
        }
    }

    @Test
    void status_wrongToken_403() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a().start();
            String wrong = "0".repeat(64);

            AdminHttp.Reply reply = a.admin().withToken(wrong).get("status");

            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.json().path("error").asText()).startsWith("wrong token");
            assertThat(a.admin().withToken(wrong).post("rejoin").status()).isEqualTo(403);
        }
    }

    @Test
    void query_badLimitOrForce_400NamingTheRule() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a().start();

            for (String limit : List.of("ten", "0", "-1", "10001")) {
                AdminHttp.Reply reply = a.admin().get("events?limit=" + limit);
                assertThat(reply.status()).as(limit).isEqualTo(400);
                assertThat(reply.json().path("error").asText()).as(limit).startsWith("limit must");
            }
            assertThat(a.admin().get("events?limit=10000").status()).isEqualTo(200);
            AdminHttp.Reply force = a.admin().post("switch?force=maybe");
            assertThat(force.status()).isEqualTo(400);
            assertThat(force.json().path("error").asText())
                    .isEqualTo("force must be true or false, got 'maybe'");
        }
    }

    @Test
    void request_unknownEndpointOrWrongMethod_404Or405() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a().start();

            AdminHttp.Reply unknown = a.admin().get("promote");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("error").asText()).contains("/promote");
            AdminHttp.Reply wrongMethod = a.admin().get("switch");
            assertThat(wrongMethod.status()).isEqualTo(405);
            assertThat(wrongMethod.json().path("error").asText()).isEqualTo("/switch takes POST");
            assertThat(a.state()).isIn(State.STARTING, State.PRIMARY);
        }
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void metrics_pair_prometheusTextWithStateGenerationRttAndConnections() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            AdminHttp.Reply scrape = pair.a().admin().get("metrics");
            assertThat(scrape.contentType()).startsWith("text/plain; version=0.0.4");
            PrometheusText a = PrometheusText.parse(scrape.body());
            PrometheusText b = PrometheusText.parse(pair.b().admin().get("metrics").body());

            assertThat(a.type("switchover_state")).contains("gauge");
            assertThat(a.value("switchover_state", Map.of("node", "node-a", "state", "PRIMARY")))
                    .isEqualTo(1.0);
            assertThat(a.samples("switchover_state"))
                    .hasSize(State.values().length)
                    .filteredOn(s -> s.value() == 1.0)
                    .hasSize(1);
            double generation = pair.a().status().path("node").path("generation").asLong();
            assertThat(a.value("switchover_generation", Map.of())).isEqualTo(generation);
            assertThat(b.value("switchover_state", Map.of("state", "BACKUP"))).isEqualTo(1.0);
            assertThat(b.value("switchover_generation", Map.of("node", "node-b")))
                    .isEqualTo(generation);

            assertThat(b.type("switchover_ping_rtt_seconds")).contains("histogram");
            assertThat(b.samples("switchover_ping_rtt_seconds_bucket"))
                    .isNotEmpty()
                    .allMatch(s -> s.has(Map.of("connection", "main", "node", "node-b")));
            assertThat(b.value("switchover_ping_rtt_seconds_count", Map.of("connection", "main")))
                    .isPositive();
            assertThat(b.value("switchover_ping_outcomes_total", Map.of("outcome", "SUCCESS")))
                    .isPositive();

            for (PrometheusText node : List.of(a, b)) {
                assertThat(node.type("switchover_connection_up")).contains("gauge");
                assertThat(node.value("switchover_connection_up", Map.of("connection", "main")))
                        .isEqualTo(1.0);
            }
            assertThat(
                            a.value(
                                    "switchover_transitions_total",
                                    Map.of("from", "STARTING", "to", "PRIMARY")))
                    .isEqualTo(1.0);
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * {@code "FROM -> TO CAUSE"}. Generations are checked apart, against each other: how the core
     * numbers them (where the first one starts, by how much a promotion raises it) is its own
     * business; that a promotion raises it and a backup takes on its primary's is the contract.
     */
    private static String describe(JsonNode transition) {
        return transition.path("from").asText()
                + " -> "
                + transition.path("to").asText()
                + " "
                + transition.path("cause").asText();
    }

    /** The generation in force after {@code transition}. */
    private static long gen(JsonNode transition) {
        return transition.path("generation").asLong();
    }

    private static void assertTransitions(TestNode node, String... expected) {
        assertThat(node.transitions().stream().map(DaemonPairTest::describe))
                .as("%s's transitions", node)
                .containsExactly(expected);
    }

    /** {@code "node event ROLE: PREVIOUS -> STATE REASON gen N"}. */
    private static String describeHook(Map<String, String> run) {
        return run.get("SWITCHOVER_NODE")
                + " "
                + run.get("SWITCHOVER_EVENT")
                + " "
                + run.get("SWITCHOVER_ROLE")
                + ": "
                + run.get("SWITCHOVER_PREVIOUS_STATE")
                + " -> "
                + run.get("SWITCHOVER_STATE")
                + " "
                + run.get("SWITCHOVER_REASON")
                + " gen "
                + run.get("SWITCHOVER_GENERATION");
    }

    private static void awaitHookRuns(TestNode node, int count) {
        await(node + " " + count + " hook runs")
                .atMost(TestNode.STATE_CHANGE)
                .until(() -> node.hookRuns().size() >= count);
    }

    private static void awaitConnections(TestNode node, String main, String aux) {
        await(node + " connections")
                .atMost(TestNode.STATE_CHANGE)
                .until(
                        () -> {
                            JsonNode c = node.status().path("connections");
                            return c.path("main").asText().equals(main)
                                    && c.path("aux").asText().equals(aux)
                                    && c.path("fromPeer").asInt() == 2;
                        });
    }

    private static Instant lastMainPing(TestNode node) {
        return Instant.parse(node.status().path("pings").path("main").path("at").asText());
    }
}
