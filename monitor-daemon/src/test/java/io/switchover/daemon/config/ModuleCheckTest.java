package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModuleCheckTest {

    @TempDir Path dir;

    @Test
    void load_tcpCheck_target() {
        DaemonConfig config = TestYaml.minimal().valid(dir);

        assertThat(config.module().check())
                .isEqualTo(new ModuleCheck.Tcp(new HostPort("127.0.0.1", 8080)));
        assertThat(config.module().check().type()).isEqualTo("tcp");
    }

    @Test
    void load_httpCheck_urlAndDefaultStatus() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "module",
                                "{name: billing-api, check: {type: http, url:"
                                        + " 'http://127.0.0.1:8080/health'}}")
                        .valid(dir);

        assertThat(config.module().name()).isEqualTo("billing-api");
        assertThat(config.module().check())
                .isEqualTo(new ModuleCheck.Http(URI.create("http://127.0.0.1:8080/health"), 200));
    }

    @Test
    void load_httpsCheckWithStatus_kept() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "module",
                                "{check: {type: http, url: 'https://app.local/ready',"
                                        + " expect-status: 204}}")
                        .valid(dir);

        assertThat(config.module().check())
                .isEqualTo(new ModuleCheck.Http(URI.create("https://app.local/ready"), 204));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://a/b", "127.0.0.1:8080/health", "http:///nohost", "'http://a b'"})
    void load_badUrl_reported(String url) {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: http, url: " + url + "}}")
                        .problemAt(dir, "module.check.url");

        assertThat(problem.message())
                .isEqualTo(
                        "must be an http:// or https:// URL with a host, e.g."
                                + " http://127.0.0.1:8080/health");
    }

    @Test
    void load_commandCheckWithProgramName_keptForPathLookup() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with("module", "{check: {type: command, command: [pg_isready, -q]}}")
                        .valid(dir);

        assertThat(config.module().check())
                .isEqualTo(new ModuleCheck.Command(List.of("pg_isready", "-q")));
    }

    @Test
    void load_commandCheckWithRelativeProgramPath_resolvedAndChecked() {
        Path script = TestYaml.executable(dir.resolve("checks/app-alive"));

        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "module",
                                "{check: {type: command, command: [checks/app-alive, --quick]}}")
                        .valid(dir);

        assertThat(config.module().check())
                .isEqualTo(
                        new ModuleCheck.Command(
                                List.of(script.toAbsolutePath().toString(), "--quick")));
    }

    @Test
    void load_commandProgramMissing_reportedAtTheFirstWord() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: command, command: [./nope]}}")
                        .problemAt(dir, "module.check.command[0]");

        assertThat(problem.render())
                .isEqualTo(
                        "module.check.command[0]: \"./nope\" does not exist: "
                                + dir.resolve("nope").toAbsolutePath());
    }

    @Test
    void load_emptyCommand_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: command, command: []}}")
                        .problemAt(dir, "module.check.command");

        assertThat(problem.message()).isEqualTo("must name a program: [program, arg...]");
    }

    @Test
    void load_registeredCheck_defaultLoopbackListen() {
        DaemonConfig config =
                TestYaml.minimal().with("module", "{check: {type: registered}}").valid(dir);

        assertThat(config.module().check())
                .isEqualTo(new ModuleCheck.Registered(new HostPort("127.0.0.1", 7401)));
    }

    @Test
    void load_registeredCheckOnNonLoopback_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: registered}, listen: 10.0.0.1:7401}")
                        .problemAt(dir, "module.listen");

        assertThat(problem.render())
                .isEqualTo(
                        "module.listen: \"10.0.0.1:7401\" must be a loopback address (127.0.0.1,"
                                + " ::1 or localhost): the registered application runs on this"
                                + " host; set module.allow-remote-listen: true to accept it from"
                                + " elsewhere");
    }

    @Test
    void load_registeredCheckOnNonLoopbackExplicitlyAllowed_accepted() {
        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "module",
                                "{check: {type: registered}, listen: 10.0.0.1:7401,"
                                        + " allow-remote-listen: true}")
                        .valid(dir);

        assertThat(config.module().check())
                .isEqualTo(new ModuleCheck.Registered(new HostPort("10.0.0.1", 7401)));
    }

    @Test
    void load_checkMissing_typeRequired() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{name: app}")
                        .problemAt(dir, "module.check.type");

        assertThat(problem.render())
                .isEqualTo("module.check.type: is required: one of tcp, http, command, registered");
    }

    @Test
    void load_tcpWithoutTarget_targetRequired() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: tcp}}")
                        .problemAt(dir, "module.check.target");

        assertThat(problem.message()).isEqualTo("is required for check type tcp (host:port)");
    }

    @Test
    void load_httpWithoutUrl_urlRequired() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: http}}")
                        .problemAt(dir, "module.check.url");

        assertThat(problem.message()).isEqualTo("is required for check type http");
    }

    @Test
    void load_commandWithoutCommand_commandRequired() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: command}}")
                        .problemAt(dir, "module.check.command");

        assertThat(problem.message())
                .isEqualTo("is required for check type command ([program, arg...])");
    }

    @Test
    void load_keysOfOtherCheckTypes_eachReported() {
        List<ConfigProblem> problems =
                TestYaml.minimal()
                        .with(
                                "module",
                                "{check: {type: tcp, target: 127.0.0.1:80, url: 'http://a/',"
                                        + " expect-status: 200, command: [x]},"
                                        + " listen: 127.0.0.1:7401, allow-remote-listen: false}")
                        .problems(dir);

        assertThat(TestYaml.renderAll(problems))
                .containsExactly(
                        "module.check.url: \"http://a/\" applies only to check type http; this"
                                + " check is tcp",
                        "module.check.expect-status: \"200\" applies only to check type http;"
                                + " this check is tcp",
                        "module.check.command: applies only to check type command; this check is"
                                + " tcp",
                        "module.listen: \"127.0.0.1:7401\" applies only to check type registered"
                                + " (module.check.type); this check is tcp",
                        "module.allow-remote-listen: \"false\" applies only to check type"
                                + " registered (module.check.type); this check is tcp");
    }

    @Test
    void load_targetWithRegistered_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("module", "{check: {type: registered, target: 127.0.0.1:80}}")
                        .problemAt(dir, "module.check.target");

        assertThat(problem.message())
                .isEqualTo("applies only to check type tcp; this check is registered");
    }
}
