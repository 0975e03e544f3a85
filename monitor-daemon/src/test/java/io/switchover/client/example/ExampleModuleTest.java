package io.switchover.client.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.switchover.daemon.module.ModuleEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example as its own process, the way an operator would, against a real endpoint. */
class ExampleModuleTest {

    @Test
    void main_healthFilePresentThenDeleted_moduleFineThenRefusedThenUnregisteredOnSigterm(
            @TempDir Path dir) throws Exception {
        Path token = dir.resolve("admin.token");
        Files.writeString(token, "admin-token-0123456789abcdef-xyz\n");
        Path healthFile = dir.resolve("app.healthy");
        Files.createFile(healthFile);
        try (ModuleEndpoint daemon =
                new ModuleEndpoint(
                        "pair-1",
                        "node-a",
                        "admin-token-0123456789abcdef-xyz".getBytes(StandardCharsets.UTF_8),
                        Set.of("app"),
                        null)) {
            InetSocketAddress address =
                    daemon.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Process example =
                    new ProcessBuilder(
                                    ProcessHandle.current().info().command().orElse("java"),
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    ExampleModule.class.getName(),
                                    "127.0.0.1:" + address.getPort(),
                                    "pair-1",
                                    token.toString(),
                                    "app",
                                    healthFile.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("example.log").toFile())
                            .start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> daemon.isRegistered("app"));
                assertThat(
                                daemon.check("app")
                                        .check(Duration.ofSeconds(2))
                                        .toCompletableFuture()
                                        .get(10, TimeUnit.SECONDS))
                        .isEqualTo("health file present");

                Files.delete(healthFile);
                Throwable refused =
                        catchThrowable(
                                () ->
                                        daemon.check("app")
                                                .check(Duration.ofSeconds(2))
                                                .toCompletableFuture()
                                                .get(10, TimeUnit.SECONDS));
                assertThat(refused.getCause())
                        .hasMessage("health file " + healthFile + " is missing");

                example.destroy(); // SIGTERM: the shutdown hook unregisters
                assertThat(example.waitFor(10, TimeUnit.SECONDS)).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> !daemon.isRegistered("app"));
            } finally {
                example.destroyForcibly();
            }
        }
    }
}
