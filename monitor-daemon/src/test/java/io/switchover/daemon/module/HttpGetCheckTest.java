package io.switchover.daemon.module;

import static io.switchover.daemon.module.CheckResults.detail;
import static io.switchover.daemon.module.CheckResults.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server on loopback. */
class HttpGetCheckTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private HttpServer server;
    private String base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> answer(exchange, 200, "ok"));
        server.createContext("/down", exchange -> answer(exchange, 503, "maintenance"));
        server.createContext("/created", exchange -> answer(exchange, 201, "created"));
        server.createContext(
                "/moved",
                exchange -> {
                    exchange.getResponseHeaders().add("Location", "/health");
                    answer(exchange, 302, "");
                });
        server.createContext(
                "/hang",
                exchange -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer(exchange, 200, "late");
                });
        server.setExecutor(handlers);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void check_expectedStatus_fineWithStatusInDetail() throws Exception {
        assertThat(
                        detail(
                                new HttpGetCheck(URI.create(base + "/health"), 200)
                                        .check(Duration.ofSeconds(2))))
                .isEqualTo("GET " + base + "/health: 200");
    }

    @Test
    void check_503_refusedWithStatusAndExpectation() {
        assertThat(
                        rejection(
                                new HttpGetCheck(URI.create(base + "/down"), 200)
                                        .check(Duration.ofSeconds(2))))
                .isEqualTo("GET " + base + "/down: answered 503, expected 200");
    }

    @Test
    void check_otherExpectedStatus_onlyThatStatusIsFine() throws Exception {
        assertThat(
                        detail(
                                new HttpGetCheck(URI.create(base + "/created"), 201)
                                        .check(Duration.ofSeconds(2))))
                .endsWith(": 201");
        assertThat(
                        rejection(
                                new HttpGetCheck(URI.create(base + "/health"), 201)
                                        .check(Duration.ofSeconds(2))))
                .endsWith("answered 200, expected 201");
    }

    @Test
    void check_redirect_notFollowed() {
        assertThat(
                        rejection(
                                new HttpGetCheck(URI.create(base + "/moved"), 200)
                                        .check(Duration.ofSeconds(2))))
                .endsWith("answered 302, expected 200");
    }

    @Test
    void check_serverDoesNotAnswer_refusedAtTheTimeout() {
        long start = System.nanoTime();
        String reason =
                rejection(
                        new HttpGetCheck(URI.create(base + "/hang"), 200)
                                .check(Duration.ofMillis(300)));
        assertThat(reason).isEqualTo("GET " + base + "/hang: no answer within 300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    }

    @Test
    void check_nothingListens_refusedNamingTheFailure() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/health";
        assertThat(rejection(new HttpGetCheck(URI.create(url), 200).check(Duration.ofSeconds(2))))
                .startsWith("GET " + url + ": ")
                .contains("ConnectException");
    }

    @Test
    void constructor_notHttp_rejected() {
        assertThatThrownBy(() -> new HttpGetCheck(URI.create("ftp://host/x"), 200))
                .hasMessageContaining("is not an http:// or https:// URL");
        assertThatThrownBy(() -> new HttpGetCheck(URI.create(base + "/health"), 99))
                .hasMessageContaining("expected status 99");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
