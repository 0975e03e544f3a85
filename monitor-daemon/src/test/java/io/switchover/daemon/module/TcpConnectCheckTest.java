package io.switchover.daemon.module;

import static io.switchover.daemon.module.CheckResults.detail;
import static io.switchover.daemon.module.CheckResults.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchover.daemon.testing.ManualExecutor;
import io.switchover.daemon.testing.SilentPort;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpConnectCheckTest {
    private final ExecutorService blocking = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        blocking.shutdownNow();
    }

    @Test
    void check_listeningPort_fineWithDetail() throws Exception {
        try (ServerSocket module = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            TcpConnectCheck check =
                    new TcpConnectCheck("127.0.0.1", module.getLocalPort(), blocking);
            assertThat(detail(check.check(Duration.ofSeconds(2))))
                    .isEqualTo("tcp 127.0.0.1:" + module.getLocalPort() + ": connected");
        }
    }

    @Test
    void check_closedPort_refusedBecauseNothingListens() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        assertThat(
                        rejection(
                                new TcpConnectCheck("127.0.0.1", port, blocking)
                                        .check(Duration.ofSeconds(2))))
                .isEqualTo("tcp 127.0.0.1:" + port + ": connection refused (nothing listens)");
    }

    @Test
    void check_silentPort_refusedAfterTheTimeout() throws Exception {
        try (SilentPort silent = new SilentPort()) {
            long start = System.nanoTime();
            String reason =
                    rejection(
                            new TcpConnectCheck("127.0.0.1", silent.port(), blocking)
                                    .check(Duration.ofMillis(300)));
            assertThat(reason)
                    .isEqualTo("tcp 127.0.0.1:" + silent.port() + ": no answer within 300ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
        }
    }

    @Test
    void check_unresolvableHost_refusedSayingSo() {
        assertThat(
                        rejection(
                                new TcpConnectCheck("no-such-host.invalid", 80, blocking)
                                        .check(Duration.ofSeconds(5))))
                .contains("cannot resolve no-such-host.invalid");
    }

    @Test
    void check_neverBlocksTheCaller_workRunsOnTheGivenExecutor() {
        ManualExecutor queued = new ManualExecutor();
        CompletionStage<String> stage =
                new TcpConnectCheck("127.0.0.1", 1, queued).check(Duration.ofSeconds(2));
        assertThat(stage.toCompletableFuture()).isNotDone();
        assertThat(queued.queued()).isEqualTo(1);
    }

    @Test
    void check_noThreadFreeBeforeTheTimeout_refusedAtTheTimeout() {
        // Nothing ever runs the queued connect: the answer must still come within the timeout.
        String reason =
                rejection(
                        new TcpConnectCheck("127.0.0.1", 1, new ManualExecutor())
                                .check(Duration.ofMillis(100)));
        assertThat(reason).isEqualTo("tcp 127.0.0.1:1: no answer within 100ms");
    }

    @Test
    void constructor_badPort_rejected() {
        assertThatThrownBy(() -> new TcpConnectCheck("h", 0, blocking))
                .hasMessageContaining("port 0 is outside");
    }
}
