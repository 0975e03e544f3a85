package io.switchover.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.state.State;
import io.switchover.daemon.testing.ConsoleHttp;
import io.switchover.daemon.testing.ConsoleHttp.Events;
import io.switchover.daemon.testing.ConsoleHttp.Frame;
import io.switchover.daemon.testing.ConsoleHttp.Reply;
import io.switchover.daemon.testing.ConsoleHttp.Session;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console against two real daemons on loopback: what the live feed shows of both nodes, and a
 * switchover made through it, seen as it happens.
 */
class ConsolePairTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir Path dir;

    @Test
    void feed_showsBothNodesAndTheSwitchoverAsItHappens() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            TestNode b = pair.b();
            ConsoleHttp console = new ConsoleHttp(b.adminUrl());
            Session s = console.session(b.daemon().token().value());

            try (Events feed = console.events(Map.of("Cookie", s.cookie()))) {
                assertThat(feed.status()).isEqualTo(200);
                JsonNode status = feed.next("status", WAIT).json();
                assertThat(status.path("node").path("id").asText()).isEqualTo("node-b");
                assertThat(status.path("node").path("state").asText()).isEqualTo("BACKUP");
                assertThat(status.path("node").path("explanation").asText()).isNotBlank();
                assertThat(status.path("peer").path("id").asText()).isEqualTo("node-a");
                assertThat(status.path("peer").path("state").asText()).isEqualTo("PRIMARY");
                assertThat(status.path("peer").path("release").asText())
                        .isEqualTo(TestPair.RELEASE);
                // node-a, the primary, knows its backup's own account with its reason.
                JsonNode ofB = pair.a().status().path("peer").path("reported");
                assertThat(ofB.path("state").asText()).as("%s", ofB).isEqualTo("BACKUP");
                assertThat(ofB.path("explanation").asText()).isNotBlank();
                JsonNode history = feed.next("history", WAIT).json().path("events");
                assertThat(history.toString()).contains("\"to\":\"BACKUP\"");

                Reply r = console.post("console/switch", s);
                assertThat(r.status()).as("%s", r).isEqualTo(200);

                // The promotion arrives as an event with its reason, then in the status.
                Frame promoted = nextTransitionTo(feed, "PRIMARY");
                assertThat(promoted.json().path("cause").asText()).isNotBlank();
                assertThat(promoted.json().path("detail").asText()).isNotBlank();
                b.awaitState(State.PRIMARY);
                pair.a().awaitState(State.BACKUP);
                // The page shows the peer as it reports itself, reason included; the new primary
                // knows its new backup that way, not from pings (a backup is never pinged).
                await("node-b's account of node-a as BACKUP")
                        .atMost(WAIT)
                        .until(
                                () ->
                                        feed.next("status", WAIT)
                                                .json()
                                                .path("peer")
                                                .path("reported")
                                                .path("state")
                                                .asText(),
                                "BACKUP"::equals);
                JsonNode reported = b.status().path("peer").path("reported");
                assertThat(reported.path("id").asText()).isEqualTo("node-a");
                assertThat(reported.path("explanation").asText()).isNotBlank();
                assertThat(reported.path("generation").asLong())
                        .isEqualTo(b.status().path("node").path("generation").asLong());
            }
        }
    }

    @Test
    void switch_refused_reasonComesBackVerbatim() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            TestNode a = pair.a();
            ConsoleHttp console = new ConsoleHttp(a.adminUrl());
            Session s = console.session(a.daemon().token().value());
            pair.b().stop();
            a.awaitState(State.PRIMARY);

            Reply r = console.post("console/switch", s);
            io.switchover.daemon.testing.AdminHttp.Reply direct = a.admin().post("switch");

            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().path("accepted").asBoolean()).isFalse();
            assertThat(r.json().path("detail").asText())
                    .isNotBlank()
                    .isEqualTo(direct.json().path("detail").asText());
        }
    }

    @Test
    void rejoin_onAFailedNode_returnsItToThePair() throws Exception {
        // Across releases a manual switch leaves the old primary FAILED (the upgrade states).
        try (TestPair pair = TestPair.builder(dir).b(y -> y.release("1.1.0")).build().start()) {
            TestNode a = pair.a();
            ConsoleHttp console = new ConsoleHttp(a.adminUrl());
            Session s = console.session(a.daemon().token().value());
            assertThat(console.post("console/rejoin", s).json().path("detail").asText())
                    .isEqualTo("rejoin applies to a FAILED node; this node is PRIMARY");
            assertThat(pair.b().admin().post("switch").status()).isEqualTo(200);
            a.awaitState(State.FAILED);

            try (Events feed = console.events(Map.of("Cookie", s.cookie()))) {
                assertThat(feed.next("status", WAIT).json().path("node").path("state").asText())
                        .isEqualTo("FAILED");
                Reply r = console.post("console/rejoin", s);

                assertThat(r.status()).as("%s", r).isEqualTo(200);
                assertThat(r.json().path("accepted").asBoolean()).isTrue();
                Frame back = nextTransitionTo(feed, "UPGRADE_LOWER");
                assertThat(back.json().path("from").asText()).isEqualTo("STARTING");
                a.awaitState(State.UPGRADE_LOWER);
            }
        }
    }

    private static Frame nextTransitionTo(Events feed, String state) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            Frame f = feed.next("event", left);
            if ("transition".equals(f.json().path("type").asText())
                    && state.equals(f.json().path("to").asText())) {
                return f;
            }
        }
    }
}
