package io.switchover.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchover.client.RegistryClient;
import io.switchover.daemon.testing.TestPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry as an operator and an application use it on a real pair: switchoverctl and the
 * client library against two running daemons (the real registry service, store and replication).
 */
class SwitchoverctlRegistryPairTest {
    private static final Duration SYNC = Duration.ofSeconds(20);

    @TempDir Path dir;

    @Test
    void putOnThePrimary_readOnTheBackup_watchSeesIt_writeOnTheBackupRefused() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            Path a = pair.a().configFile();
            Path b = pair.b().configFile();
            RegistryClient backupClient =
                    RegistryClient.builder(pair.b().adminUrl())
                            .tokenFile(pair.b().dataDir().resolve("admin.token"))
                            .build();
            List<RegistryClient.Change> seen = new CopyOnWriteArrayList<>();
            try (RegistryClient.Watch watch =
                    backupClient.watch(
                            "/app",
                            new RegistryClient.WatchListener() {
                                @Override
                                public void changed(RegistryClient.Change change) {
                                    seen.add(change);
                                }

                                @Override
                                public void ended(RegistryClient.WatchEnd end) {}
                            })) {
                CliRun put =
                        CliRun.of(
                                "--config",
                                a,
                                "registry",
                                "put",
                                "/app/db",
                                "host=db1",
                                "port=5432");
                assertThat(put.code()).as("%s", put).isZero();

                await("the backup's watcher sees the replicated change")
                        .atMost(SYNC)
                        .until(() -> seen.stream().anyMatch(c -> c.key().equals("/app/db")));
            }
            CliRun get = CliRun.of("--config", b, "registry", "get", "/app/db");
            assertThat(get.code()).as("%s", get).isZero();
            assertThat(get.lines()).containsExactly("host = db1", "port = 5432");

            CliRun refused = CliRun.of("--config", b, "registry", "put", "/app/db", "host=db2");
            assertThat(refused.code()).as("%s", refused).isEqualTo(1);
            assertThat(refused.err()).contains("the primary is 'node-a'");

            CliRun exportA = CliRun.of("--config", a, "registry", "export", "/app");
            CliRun exportB = CliRun.of("--config", b, "registry", "export", "/app");
            assertThat(exportA.code()).isZero();
            assertThat(keyLines(exportB.out())).isEqualTo(keyLines(exportA.out())).isNotEmpty();
        }
    }

    /** The export's key lines (the header and end lines name the node and time). */
    private static List<String> keyLines(String export) {
        return export.lines().filter(l -> l.startsWith("{\"key\"")).toList();
    }
}
