package io.switchover.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchover.core.state.State;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * switchoverctl against real daemons. Most tests share one running node-a that has become primary
 * alone (they only read, or ask for what it refuses); those that change roles get a pair of their
 * own.
 */
class SwitchoverctlDaemonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path sharedDir;
    private static TestPair shared;
    private static TestNode primary;

    @TempDir Path dir;

    @BeforeAll
    static void startLonePrimary() throws Exception {
        shared = TestPair.builder(sharedDir).build();
        primary = shared.a();
        primary.start().awaitState(State.PRIMARY);
    }

    @AfterAll
    static void stopLonePrimary() {
        if (shared != null) {
            shared.close();
        }
    }

    // ------------------------------------------------------------------ reading

    @Test
    void status_config_tableWithTheState() {
        CliRun run = CliRun.of("--config", primary.configFile(), "status");

        assertThat(run.code()).as("%s", run).isZero();
        assertThat(run.lines())
                .contains("node")
                .anyMatch(l -> l.matches("\\s+id\\s+node-a"))
                .anyMatch(l -> l.matches("\\s+state\\s+PRIMARY"))
                .anyMatch(l -> l.matches("\\s+main\\s+down"));
    }

    @Test
    void status_json_theDaemonsStatus() throws Exception {
        CliRun run = CliRun.of("--config", primary.configFile(), "status", "--json");

        assertThat(run.code()).as("%s", run).isZero();
        JsonNode status = JSON.readTree(run.out());
        assertThat(status.path("node").path("id").asText()).isEqualTo("node-a");
        assertThat(status.path("node").path("state").asText()).isEqualTo("PRIMARY");
        assertThat(status.path("peer").path("id").asText()).isEqualTo("node-b");
    }

    @Test
    void status_urlAndDataDir_sameDaemonWithoutConfig() {
        CliRun run =
                CliRun.of("--url", primary.adminUrl(), "--data-dir", primary.dataDir(), "status");

        assertThat(run.code()).as("%s", run).isZero();
        assertThat(run.lines()).anyMatch(l -> l.matches("\\s+state\\s+PRIMARY"));
    }

    @Test
    void events_primary_transitionsWithTheirReasons() {
        CliRun run = CliRun.of("--config", primary.configFile(), "events");

        assertThat(run.code()).as("%s", run).isZero();
        assertThat(run.lines())
                .anyMatch(
                        l ->
                                l.matches(
                                        "\\S+  transition  STARTING -> PRIMARY  gen \\d+"
                                                + "  PEER_NOT_CONTACTED: could not contact the peer"
                                                + " within 500ms"));
    }

    @Test
    void events_limitOutOfRange_usageError() {
        CliRun run = CliRun.of("--config", primary.configFile(), "events", "--limit", "0");

        assertThat(run.code()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("--limit must be between 1 and 10000, got 0");
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void rejoin_notFailed_refusedWithTheReason() {
        CliRun run = CliRun.of("--config", primary.configFile(), "rejoin");

        assertThat(run.code()).as("%s", run).isEqualTo(1);
        assertThat(run.out())
                .isEqualTo(
                        "rejoin refused: rejoin applies to a FAILED node; this node is PRIMARY"
                                + System.lineSeparator());
    }

    @Test
    void switch_noPeer_refusedWithTheReason() {
        CliRun run = CliRun.of("--config", primary.configFile(), "switch");

        assertThat(run.code()).as("%s", run).isEqualTo(1);
        assertThat(run.out()).startsWith("switch refused: no peer");
        assertThat(primary.state()).isEqualTo(State.PRIMARY);
    }

    // ------------------------------------------------------------------ tokens

    @Test
    void status_noToken_authenticationError() {
        CliRun run = CliRun.of("--url", primary.adminUrl(), "status");

        assertThat(run.code()).as("%s", run).isEqualTo(4);
        assertThat(run.err()).contains("no token: pass --config, --data-dir or --token-file");
    }

    @Test
    void status_wrongToken_authenticationError() throws Exception {
        Path wrong = Files.writeString(dir.resolve("admin.token"), "0".repeat(64) + "\n");

        CliRun run = CliRun.of("--url", primary.adminUrl(), "--token-file", wrong, "status");

        assertThat(run.code()).as("%s", run).isEqualTo(4);
        assertThat(run.err())
                .contains("the daemon refused the token: wrong token")
                .contains(primary.dataDir().resolve("admin.token").toString());
    }

    @Test
    void status_unreadableTokenFile_authenticationError() {
        CliRun run =
                CliRun.of(
                        "--url",
                        primary.adminUrl(),
                        "--token-file",
                        dir.resolve("missing.token"),
                        "status");

        assertThat(run.code()).as("%s", run).isEqualTo(4);
        assertThat(run.err()).contains("no admin token at " + dir.resolve("missing.token"));
    }

    // ------------------------------------------------------------------ daemon not running

    @Test
    void status_daemonStopped_notRunning() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a().start();
            a.stop();

            CliRun run = CliRun.of("--config", a.configFile(), "status");

            assertThat(run.code()).as("%s", run).isEqualTo(3);
            assertThat(run.err())
                    .contains(
                            "cannot reach the daemon's admin API at "
                                    + a.adminUrl()
                                    + ": is switchoverd running?");
        }
    }

    @Test
    void status_daemonNeverStarted_notRunningRatherThanNoToken() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            CliRun run = CliRun.of("--config", pair.a().configFile(), "status");

            assertThat(run.code()).as("%s", run).isEqualTo(3);
            assertThat(run.err()).contains("is switchoverd running?");
        }
    }

    // ------------------------------------------------------------------ switching

    @Test
    void switch_bothWays_printsTheNewPrimaryAndHowLongItTook() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            CliRun first = CliRun.of("--config", pair.b().configFile(), "switch");

            assertThat(first.code()).as("%s", first).isZero();
            assertThat(first.lines()).hasSize(2);
            assertThat(first.lines().get(0))
                    .isEqualTo(
                            "switch accepted: asked the primary to drain replication and hand over");
            assertThat(first.lines().get(1))
                    .matches(
                            "node-b is primary \\(this node node-b is now PRIMARY\\) after \\d+\\.\\d\\d s");

            pair.a().awaitWatching();
            CliRun back = CliRun.of("--config", pair.b().configFile(), "switch");

            assertThat(back.code()).as("%s", back).isZero();
            assertThat(back.lines().get(1))
                    .matches(
                            "node-a is primary \\(this node node-b is now BACKUP\\) after \\d+\\.\\d\\d s");
            pair.a().awaitState(State.PRIMARY);
        }
    }
}
