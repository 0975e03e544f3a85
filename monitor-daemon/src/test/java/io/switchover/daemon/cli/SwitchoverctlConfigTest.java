package io.switchover.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.daemon.config.ConfigLoader;
import io.switchover.daemon.testing.TestPair;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * switchoverctl without a daemon: config check, finding the daemon from its configuration, usage.
 */
class SwitchoverctlConfigTest {
    @TempDir Path dir;

    @Test
    void configCheck_validFile_saysValid() throws Exception {
        try (TestPair pair = TestPair.builder(dir).build()) {
            Path file = pair.a().configFile();

            CliRun run = CliRun.of("config", "check", file);

            assertThat(run.code()).as("%s", run).isZero();
            assertThat(run.out())
                    .isEqualTo(
                            file.toAbsolutePath().normalize() + ": valid" + System.lineSeparator());
        }
    }

    @Test
    void configCheck_invalidFile_everyProblemAndExit5() throws Exception {
        Path file = invalidConfig();

        CliRun run = CliRun.of("config", "check", file);

        assertThat(run.code()).as("%s", run).isEqualTo(5);
        assertThat(run.lines())
                .hasSize(4)
                .first()
                .isEqualTo(file.toAbsolutePath().normalize() + ": 3 problems");
        assertThat(run.out())
                .contains("peer.id: \"node-a\" must differ from node.id")
                .contains("ping.delay: \"0s\"")
                .contains("ping.retry_max: is not a known key; did you mean 'retry-max'?");
    }

    @Test
    void configCheck_missingFile_exit5() {
        Path file = dir.resolve("nowhere.yaml");

        CliRun run = CliRun.of("config", "check", file);

        assertThat(run.code()).as("%s", run).isEqualTo(5);
        assertThat(run.out()).contains("the file does not exist");
    }

    @Test
    void config_withoutSubcommandOrFile_usageError() {
        CliRun noSubcommand = CliRun.of("config");
        CliRun noFile = CliRun.of("config", "check");

        assertThat(noSubcommand.code()).as("%s", noSubcommand).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("config check FILE");
        assertThat(noFile.code()).as("%s", noFile).isEqualTo(2);
        assertThat(noFile.err()).contains("FILE");
    }

    @Test
    void status_invalidConfig_exit5WithEveryProblem() throws Exception {
        CliRun run = CliRun.of("--config", invalidConfig(), "status");

        assertThat(run.code()).as("%s", run).isEqualTo(5);
        assertThat(run.err()).contains("3 problems").contains("ping.retry_max");
    }

    @Test
    void status_unknownOption_usageError() {
        CliRun run = CliRun.of("status", "--bogus");

        assertThat(run.code()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--bogus'").contains("Usage:");
    }

    @Test
    void adminUrl_listenAddress_reachedThere() throws Exception {
        assertThat(adminUrlFor("127.0.0.2:7480")).isEqualTo(URI.create("http://127.0.0.2:7480/"));
        assertThat(adminUrlFor("'[::1]:7481'")).isEqualTo(URI.create("http://[::1]:7481/"));
    }

    @Test
    void adminUrl_wildcardListen_reachedOnLoopback() throws Exception {
        assertThat(adminUrlFor("0.0.0.0:7480")).isEqualTo(URI.create("http://127.0.0.1:7480/"));
        assertThat(adminUrlFor("'[::]:7480'")).isEqualTo(URI.create("http://[::1]:7480/"));
    }

    private URI adminUrlFor(String listen) throws Exception {
        Path file =
                config(
                        "admin.yaml",
                        "peer: {id: node-b, host: 10.0.0.2}",
                        "admin: {listen: " + listen + "}");
        return Switchoverctl.adminUrl(ConfigLoader.load(file).orElseThrow());
    }

    /** A file with three problems: a node paired with itself, a zero delay, a misspelt key. */
    private Path invalidConfig() throws Exception {
        return config(
                "invalid.yaml",
                "peer: {id: node-a, host: 10.0.0.2}",
                "ping: {delay: 0s, retry_max: 2}");
    }

    /** A small configuration of node-a with {@code lines} added, next to a valid secret. */
    private Path config(String name, String... lines) throws Exception {
        Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef\n");
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "cluster: test",
                                "node: {id: node-a}",
                                "notifier: {secret-file: secret}",
                                "module: {check: {type: tcp, target: 127.0.0.1:8080}}"));
        all.addAll(List.of(lines));
        return Files.write(dir.resolve(name), all);
    }
}
