package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.switchover.daemon.hooks.HookEvent;
import io.switchover.daemon.hooks.HookRole;
import io.switchover.notifier.transport.TlsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a configuration names: checked at load time, with the resolved path in messages. */
class FileReferencesTest {

    @TempDir Path dir;

    @Test
    void load_secretFile_readWithoutItsTrailingNewline() {
        DaemonConfig config = TestYaml.minimal().valid(dir);

        assertThat(config.notifier().secret().orElseThrow().bytes())
                .isEqualTo("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void load_secretFileWithCrLf_bothRemoved() throws Exception {
        Files.writeString(dir.resolve("secret"), "0123456789abcdef\r\n");

        DaemonConfig config = TestYaml.minimal().valid(dir);

        assertThat(config.notifier().secret().orElseThrow().length()).isEqualTo(16);
    }

    @Test
    void load_secretOf16BytesPlusNewline_accepted() throws Exception {
        Files.writeString(dir.resolve("secret"), "0123456789abcdef\n");

        assertThat(TestYaml.minimal().valid(dir).notifier().secret().orElseThrow().length())
                .isEqualTo(16);
    }

    @Test
    void load_secretTooShortOnceTheNewlineIsRemoved_reported() throws Exception {
        Files.writeString(dir.resolve("secret"), "0123456789abcde\n");

        ConfigProblem problem = TestYaml.minimal().problemAt(dir, "notifier.secret-file");

        assertThat(problem.render())
                .isEqualTo(
                        "notifier.secret-file: \"secret\" holds 15 bytes (without a trailing"
                                + " newline); a shared secret needs at least 16: "
                                + dir.resolve("secret").toAbsolutePath());
    }

    @Test
    void load_secretFileMissing_reportedWithTheResolvedPath() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("notifier", "{secret-file: keys/pair.secret}")
                        .problemAt(dir, "notifier.secret-file");

        assertThat(problem.render())
                .isEqualTo(
                        "notifier.secret-file: \"keys/pair.secret\" does not exist: "
                                + dir.resolve("keys/pair.secret").toAbsolutePath());
    }

    @Test
    void load_secretFileIsADirectory_reported() throws Exception {
        Files.createDirectories(dir.resolve("keys"));

        ConfigProblem problem =
                TestYaml.minimal()
                        .with("notifier", "{secret-file: keys}")
                        .problemAt(dir, "notifier.secret-file");

        assertThat(problem.message()).startsWith("is not a regular file: ");
    }

    @Test
    void load_secretFileTooLarge_reported() throws Exception {
        Files.write(dir.resolve("big"), new byte[4097]);

        ConfigProblem problem =
                TestYaml.minimal()
                        .with("notifier", "{secret-file: big}")
                        .problemAt(dir, "notifier.secret-file");

        assertThat(problem.message()).startsWith("is larger than 4096 bytes, not a secret file: ");
    }

    @Test
    void load_secretFileUnreadable_reported() throws Exception {
        assumeFalse(isRoot(), "root reads every file");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, TestYaml.SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("-w-------"));

        ConfigProblem problem = TestYaml.minimal().problemAt(dir, "notifier.secret-file");

        assertThat(problem.message()).isEqualTo("is not readable by this user: " + secret);
    }

    @Test
    void load_tlsWithAllFiles_settingsBuilt() throws Exception {
        writeTlsFiles();

        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "notifier",
                                "{tls: {certificate-chain: tls/a.crt, private-key: tls/a.key,"
                                        + " trusted-certificates: tls/ca.crt}}")
                        .valid(dir);

        Path tls = dir.resolve("tls").toAbsolutePath();
        assertThat(config.notifier().tls())
                .contains(
                        new TlsSettings(
                                tls.resolve("a.crt"), tls.resolve("a.key"), tls.resolve("ca.crt")));
        assertThat(config.notifier().secret()).isEmpty();
    }

    @Test
    void load_tlsAndSecret_bothKept() throws Exception {
        writeTlsFiles();

        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "notifier",
                                "{secret-file: secret, tls: {certificate-chain: tls/a.crt,"
                                        + " private-key: tls/a.key, trusted-certificates:"
                                        + " tls/ca.crt}}")
                        .valid(dir);

        assertThat(config.notifier().tls()).isPresent();
        assertThat(config.notifier().secret()).isPresent();
    }

    @Test
    void load_tlsIncomplete_eachMissingKeyReported() throws Exception {
        writeTlsFiles();

        List<ConfigProblem> problems =
                TestYaml.minimal()
                        .with("notifier", "{tls: {certificate-chain: tls/a.crt}}")
                        .problems(dir);

        assertThat(TestYaml.renderAll(problems))
                .containsExactly(
                        "notifier.tls.private-key: is required when notifier.tls is set",
                        "notifier.tls.trusted-certificates: is required when notifier.tls is"
                                + " set");
    }

    @Test
    void load_tlsFilesMissing_eachReportedWithItsPath() {
        List<ConfigProblem> problems =
                TestYaml.minimal()
                        .with(
                                "notifier",
                                "{tls: {certificate-chain: a.crt, private-key: /nonexistent/a.key,"
                                        + " trusted-certificates: ca.crt}}")
                        .problems(dir);

        assertThat(TestYaml.renderAll(problems))
                .containsExactly(
                        "notifier.tls.certificate-chain: \"a.crt\" does not exist: "
                                + dir.resolve("a.crt").toAbsolutePath(),
                        "notifier.tls.private-key: \"/nonexistent/a.key\" does not exist:"
                                + " /nonexistent/a.key",
                        "notifier.tls.trusted-certificates: \"ca.crt\" does not exist: "
                                + dir.resolve("ca.crt").toAbsolutePath());
    }

    @Test
    void load_hooks_resolvedInOrder() {
        Path vip = TestYaml.executable(dir.resolve("hooks/vip.sh"));
        Path service = TestYaml.executable(dir.resolve("hooks/service.sh"));

        DaemonConfig config =
                TestYaml.minimal()
                        .with(
                                "hooks",
                                "{timeout: 10s, on-enter-primary: [hooks/vip.sh, hooks/service.sh],"
                                        + " on-leave-primary: [hooks/service.sh, "
                                        + vip.toAbsolutePath()
                                        + "]}")
                        .valid(dir);

        assertThat(config.hooks().scripts(HookEvent.ENTER, HookRole.PRIMARY))
                .containsExactly(vip.toAbsolutePath(), service.toAbsolutePath());
        assertThat(config.hooks().scripts(HookEvent.LEAVE, HookRole.PRIMARY))
                .containsExactly(service.toAbsolutePath(), vip.toAbsolutePath());
        assertThat(config.hooks().scripts(HookEvent.ENTER, HookRole.FAILED)).isEmpty();
    }

    @Test
    void load_everyHookEvent_readFromItsKey() {
        TestYaml.executable(dir.resolve("h.sh"));
        StringBuilder hooks = new StringBuilder("{");
        for (HookEvent event : HookEvent.values()) {
            for (HookRole role : HookRole.values()) {
                hooks.append(event.configKey(role)).append(": [h.sh], ");
            }
        }
        hooks.append("timeout: 1s}");

        DaemonConfig config = TestYaml.minimal().with("hooks", hooks.toString()).valid(dir);

        for (HookEvent event : HookEvent.values()) {
            for (HookRole role : HookRole.values()) {
                assertThat(config.hooks().scripts(event, role))
                        .as(event.configKey(role))
                        .containsExactly(dir.resolve("h.sh").toAbsolutePath());
            }
        }
    }

    @Test
    void load_hookNotExecutable_reportedWithChmodHint() throws Exception {
        Path script = Files.writeString(dir.resolve("vip.sh"), "#!/bin/sh\n");

        ConfigProblem problem =
                TestYaml.minimal()
                        .with("hooks", "{on-enter-backup: [vip.sh]}")
                        .problemAt(dir, "hooks.on-enter-backup[0]");

        assertThat(problem.render())
                .isEqualTo(
                        "hooks.on-enter-backup[0]: \"vip.sh\" is not executable (chmod +x): "
                                + script.toAbsolutePath());
    }

    @Test
    void load_hookIsADirectory_reported() throws Exception {
        Files.createDirectories(dir.resolve("hooks"));

        ConfigProblem problem =
                TestYaml.minimal()
                        .with("hooks", "{on-leave-failed: [hooks]}")
                        .problemAt(dir, "hooks.on-leave-failed[0]");

        assertThat(problem.message()).startsWith("is not a regular file: ");
    }

    @Test
    void load_dataDirIsAFile_reported() throws Exception {
        Path file = Files.writeString(dir.resolve("state"), "");

        ConfigProblem problem =
                TestYaml.minimal()
                        .with("node", "{id: node-a, data-dir: state}")
                        .problemAt(dir, "node.data-dir");

        assertThat(problem.render())
                .isEqualTo("node.data-dir: \"state\" is not a directory: " + file.toAbsolutePath());
    }

    @Test
    void load_dataDirMissing_acceptedForTheDaemonToCreate() {
        DaemonConfig config =
                TestYaml.minimal().with("node", "{id: node-a, data-dir: state/a}").valid(dir);

        assertThat(config.node().dataDir()).isEqualTo(dir.resolve("state/a").toAbsolutePath());
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void load_pathWithNulCharacter_reported() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("logging", "{dir: \"logs\\0\"}")
                        .problemAt(dir, "logging.dir");

        assertThat(problem.message()).startsWith("is not a valid path: ");
    }

    @Test
    void load_pathWithTilde_reportedAsNotExpanded() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("notifier", "{secret-file: ~/switchover.secret}")
                        .problemAt(dir, "notifier.secret-file");

        assertThat(problem.render())
                .isEqualTo(
                        "notifier.secret-file: \"~/switchover.secret\" starts with ~, which is not"
                                + " expanded here: write the full path");
    }

    @Test
    void load_hooksNotAList_reportedWithAnExample() {
        ConfigProblem problem =
                TestYaml.minimal()
                        .with("hooks", "{on-enter-primary: vip.sh}")
                        .problemAt(dir, "hooks.on-enter-primary");

        assertThat(problem.render())
                .isEqualTo(
                        "hooks.on-enter-primary: \"vip.sh\" must be a list, e.g. on-enter-primary:"
                                + " [/etc/switchover/hooks/vip.sh]");
    }

    private void writeTlsFiles() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        for (String name : List.of("a.crt", "a.key", "ca.crt")) {
            Files.writeString(tls.resolve(name), "-----BEGIN PLACEHOLDER-----\n");
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
