package io.switchover.daemon.hooks;

import static io.switchover.core.state.Reason.Cause.MANUAL_SWITCHOVER;
import static io.switchover.core.state.Reason.Cause.PEER_IS_PRIMARY;
import static io.switchover.core.state.Reason.Cause.PEER_TOOK_OVER;
import static io.switchover.core.state.State.BACKUP;
import static io.switchover.core.state.State.FAILED;
import static io.switchover.core.state.State.PRIMARY;
import static io.switchover.core.state.State.STARTING;
import static io.switchover.daemon.hooks.TestHooks.move;
import static io.switchover.daemon.hooks.TestHooks.script;
import static io.switchover.daemon.hooks.TestHooks.transition;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.switchover.core.state.Transition;
import io.switchover.daemon.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example hooks of {@code config/hooks}, run by the hook runner as the daemon would run them,
 * in dry-run mode: what they would do is what they print.
 */
class ExampleHooksTest {
    private static final Duration DRAIN = Duration.ofSeconds(30);

    @TempDir Path temp;

    private final BlockingQueue<HookFailure> failures = new LinkedBlockingQueue<>();
    private Path examples;

    @BeforeEach
    void findExamples() {
        // Tests run in the module's directory; the examples are at the top of the repository.
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("config/hooks"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/hooks above the working directory").isNotNull();
        examples = dir.resolve("config/hooks");
    }

    /**
     * A hook named like the example that runs it in dry-run mode with {@code envFile}, so that the
     * log shows the example's own name and output.
     */
    private Path dryRun(String example, String envVariable, Path envFile) throws Exception {
        Path real = examples.resolve(example);
        assertThat(real).isExecutable();
        Path wrappers = Files.createDirectories(temp.resolve("wrappers"));
        return script(
                wrappers,
                example,
                "DRY_RUN=1 " + envVariable + "=" + envFile + " exec " + real + " \"$@\"");
    }

    /**
     * Moves a hook runner with these hooks through {@code transitions} as the core would, and
     * returns what {@code name} printed, line by line; stderr lines start with {@code [stderr]}.
     */
    private List<String> printed(
            String name,
            Map<HookRole, List<Path>> onEnter,
            Map<HookRole, List<Path>> onLeave,
            Transition... transitions) {
        HookSettings settings = new HookSettings(onEnter, onLeave, HookSettings.DEFAULT_TIMEOUT);
        try (LogCapture log = LogCapture.of(HookRunner.LOGGER, Level.INFO);
                HookRunner runner = new HookRunner("node-a", settings, failures::add)) {
            for (Transition transition : transitions) {
                move(runner, transition);
            }
            assertThat(runner.awaitIdle(DRAIN)).isTrue();
            // "hook vip.sh: line" for stdout, "hook vip.sh [stderr]: line" for stderr.
            String prefix = "hook " + name;
            return log.messages().stream()
                    .filter(
                            m ->
                                    m.startsWith(prefix + ": ")
                                            || m.startsWith(prefix + " [stderr]: "))
                    .map(m -> m.substring(prefix.length()).replaceFirst("^: ", ""))
                    .collect(Collectors.toList());
        }
    }

    @Test
    void vipSh_enterAndLeavePrimary_addsAndAnnouncesThenRemovesTheAddress() throws Exception {
        Path env =
                Files.writeString(
                        temp.resolve("vip.env"),
                        "VIP=192.0.2.10\nVIP_PREFIX=24\nVIP_INTERFACE=eth0\n");
        Path vip = dryRun("vip.sh", "VIP_ENV_FILE", env);

        assertThat(
                        printed(
                                "vip.sh",
                                Map.of(HookRole.PRIMARY, List.of(vip)),
                                Map.of(HookRole.PRIMARY, List.of(vip)),
                                transition(1, BACKUP, PRIMARY, MANUAL_SWITCHOVER),
                                transition(2, PRIMARY, FAILED, PEER_TOOK_OVER)))
                .containsExactly(
                        "+ ip addr add 192.0.2.10/24 dev eth0",
                        "+ arping -U -c 3 -I eth0 192.0.2.10",
                        "+ ip addr del 192.0.2.10/24 dev eth0");
        assertThat(failures).isEmpty();
    }

    @Test
    void vipSh_enterBackup_removesTheAddressAHostMayStillHold() throws Exception {
        Path env =
                Files.writeString(
                        temp.resolve("vip.env"), "VIP=198.51.100.7\nVIP_INTERFACE=bond0\n");
        Path vip = dryRun("vip.sh", "VIP_ENV_FILE", env);

        assertThat(
                        printed(
                                "vip.sh",
                                Map.of(HookRole.BACKUP, List.of(vip)),
                                Map.of(),
                                transition(1, STARTING, BACKUP, PEER_IS_PRIMARY)))
                .containsExactly("+ ip addr del 198.51.100.7/24 dev bond0");
        assertThat(failures).isEmpty();
    }

    @Test
    void vipSh_notConfigured_exitsWithStatus2ReportedAsAFailure() throws Exception {
        Path env = Files.writeString(temp.resolve("vip.env"), "VIP_INTERFACE=eth0\n");
        Path vip = dryRun("vip.sh", "VIP_ENV_FILE", env);

        assertThat(
                        printed(
                                "vip.sh",
                                Map.of(HookRole.PRIMARY, List.of(vip)),
                                Map.of(),
                                transition(1, BACKUP, PRIMARY, MANUAL_SWITCHOVER)))
                .containsExactly(
                        " [stderr]: vip.sh: VIP is not set (in " + env + " or the environment)");
        assertThat(failures)
                .singleElement()
                .satisfies(
                        f -> {
                            assertThat(f.kind()).isEqualTo(HookFailure.Kind.EXIT_STATUS);
                            assertThat(f.exitStatus()).hasValue(2);
                        });
    }

    @Test
    void serviceSh_enterAndLeavePrimary_startsInOrderThenStopsInReverse() throws Exception {
        Path env =
                Files.writeString(
                        temp.resolve("service.env"), "SERVICES=\"db.service app.service\"\n");
        Path service = dryRun("service.sh", "SERVICE_ENV_FILE", env);

        assertThat(
                        printed(
                                "service.sh",
                                Map.of(HookRole.PRIMARY, List.of(service)),
                                Map.of(HookRole.PRIMARY, List.of(service)),
                                transition(1, BACKUP, PRIMARY, MANUAL_SWITCHOVER),
                                transition(2, PRIMARY, BACKUP, MANUAL_SWITCHOVER)))
                .containsExactly(
                        "+ systemctl start db.service",
                        "+ systemctl start app.service",
                        "+ systemctl stop app.service",
                        "+ systemctl stop db.service");
        assertThat(failures).isEmpty();
    }
}
