package io.switchover.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchover.daemon.module.ModuleEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleClientTest {
    static final byte[] TOKEN = "admin-token-0123456789abcdef-xyz".getBytes(StandardCharsets.UTF_8);

    @Test
    void readToken_fileWithTrailingNewline_tokenWithoutSurroundingWhitespace(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("admin.token");
        Files.writeString(file, "  admin-token-0123456789abcdef-xyz\n");
        assertThat(ModuleClient.readToken(file)).isEqualTo(TOKEN);
    }

    @Test
    void connect_invalidModuleName_rejectedNamingTheRule() {
        assertThatThrownBy(
                        () ->
                                ModuleClient.connect(
                                        new InetSocketAddress(
                                                InetAddress.getLoopbackAddress(), 7401),
                                        "pair-1",
                                        TOKEN,
                                        "my app",
                                        () -> CompletableFuture.completedFuture("ok")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("module name 'my app' must be 1-64 letters");
    }

    @Test
    void connect_daemonNotRunningYet_registersOnceItListens() throws Exception {
        InetSocketAddress address;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            address = (InetSocketAddress) free.getLocalSocketAddress();
        }
        try (ModuleClient app =
                ModuleClient.builder(
                                address,
                                "pair-1",
                                TOKEN,
                                "app",
                                () -> CompletableFuture.completedFuture("up"))
                        .reconnect(Duration.ofMillis(20), Duration.ofMillis(100))
                        .connect()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () ->
                                    app.lastProblem()
                                            .orElse("")
                                            .startsWith("io-error: connect failed"));
            assertThat(app.isRegistered()).isFalse();

            try (ModuleEndpoint daemon =
                    new ModuleEndpoint("pair-1", "node-a", TOKEN, Set.of("app"), null)) {
                daemon.bind(address);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> app.isRegistered() && daemon.isRegistered("app"));
                assertThat(app.lastProblem()).isEmpty();
                assertThat(
                                daemon.check("app")
                                        .check(Duration.ofSeconds(2))
                                        .toCompletableFuture()
                                        .get(10, TimeUnit.SECONDS))
                        .isEqualTo("up");
            }
        }
    }
}
