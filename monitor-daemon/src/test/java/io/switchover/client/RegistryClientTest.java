package io.switchover.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchover.client.RegistryClient.Change;
import io.switchover.client.RegistryClient.WatchEnd;
import io.switchover.client.RegistryClientException.Kind;
import io.switchover.core.registry.RegistryException;
import io.switchover.daemon.admin.AdminServer.RegistrySettings;
import io.switchover.daemon.testing.RegistryTestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryClient} against a real admin server on loopback. */
class RegistryClientTest {
    private static final RegistrySettings FAST =
            new RegistrySettings(2, Duration.ofMillis(100), 10_000, 4, 16 * 1024 * 1024);

    @TempDir Path dir;

    private RegistryTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private RegistryClient client(RegistrySettings settings) throws IOException {
        server = RegistryTestServer.start(dir, settings);
        return RegistryClient.builder(server.url()).tokenFile(server.tokenFile()).build();
    }

    private RegistryClient client() throws IOException {
        return client(FAST);
    }

    /** Records what a watch delivers. */
    private static final class Recorder implements RegistryClient.WatchListener {
        final List<Change> changes = new CopyOnWriteArrayList<>();
        final List<WatchEnd> ends = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void changed(Change change) {
            changes.add(change);
        }

        @Override
        public void ended(WatchEnd end) {
            ends.add(end);
            ended.countDown();
        }

        WatchEnd awaitEnd() throws InterruptedException {
            assertThat(ended.await(10, TimeUnit.SECONDS)).as("the watch ended").isTrue();
            return ends.get(0);
        }
    }

    // ---------------------------------------------------------------- calls

    @Test
    void putGetChildrenDelete_roundTrip() throws Exception {
        RegistryClient c = client();

        Change put = c.put("/Site/Lines/Line 1", Map.of("speed", "9600", "note", "a\nb"));
        c.put("/Site/Lines/Line2", Map.of());

        assertThat(put)
                .isEqualTo(
                        new Change(
                                1,
                                Change.Kind.PUT,
                                "/Site/Lines/Line 1",
                                Map.of("note", "a\nb", "speed", "9600"),
                                ""));
        assertThat(c.get("/Site/Lines/Line 1")).hasValue(Map.of("speed", "9600", "note", "a\nb"));
        assertThat(c.children("/Site/Lines")).containsExactly("Line 1", "Line2");

        Change dv = c.deleteValue("/Site/Lines/Line 1", "note");
        assertThat(dv.kind()).isEqualTo(Change.Kind.DELETE_VALUE);
        assertThat(dv.name()).isEqualTo("note");
        assertThat(dv.seq()).isEqualTo(3);
        assertThat(c.get("/Site/Lines/Line 1")).hasValue(Map.of("speed", "9600"));

        Change dk = c.deleteKey("/Site");
        assertThat(dk).isEqualTo(new Change(4, Change.Kind.DELETE_KEY, "/Site", Map.of(), ""));
        assertThat(c.get("/Site/Lines/Line2")).isEmpty();
    }

    @Test
    void failures_carryTheKindStatusAndMessage() throws Exception {
        RegistryClient c = client();

        assertFailure(() -> c.children("/nope"), Kind.NOT_FOUND, 404, "key '/nope' does not exist");
        assertFailure(() -> c.deleteKey("/nope"), Kind.NOT_FOUND, 404, "does not exist");
        assertFailure(() -> c.get("nope"), Kind.INVALID, 400, "must start with '/'");
        assertFailure(() -> c.put("/a", Map.of("v", "x".repeat(70_000))), Kind.LIMIT, 400, "65536");
        server.registry()
                .refuseWrites(
                        RegistryException.Kind.NOT_PRIMARY,
                        "node-b is not the primary; write to node-a (http://10.0.0.1:7480/)");
        assertFailure(
                () -> c.put("/a", Map.of()),
                Kind.NOT_PRIMARY,
                409,
                "node-b is not the primary; write to node-a (http://10.0.0.1:7480/)");
        server.registry().refuseWrites(RegistryException.Kind.UNAVAILABLE, "switchover draining");
        assertFailure(() -> c.deleteValue("/a", "x"), Kind.UNAVAILABLE, 503, "draining");
    }

    @Test
    void wrongToken_unauthorized() throws Exception {
        client();
        RegistryClient wrong = RegistryClient.builder(server.url()).token("not-it").build();
        RegistryClient none = RegistryClient.builder(server.url()).build();

        assertFailure(() -> wrong.get("/a"), Kind.UNAUTHORIZED, 403, "wrong token");
        assertFailure(() -> none.get("/a"), Kind.UNAUTHORIZED, 401, "missing token");
    }

    @Test
    void noDaemon_unreachableSaysSo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RegistryClient c =
                RegistryClient.builder(URI.create("http://127.0.0.1:" + port)).token("t").build();

        assertFailure(
                () -> c.get("/a"),
                Kind.UNREACHABLE,
                0,
                "cannot reach the daemon's admin API at http://127.0.0.1:"
                        + port
                        + "/: is switchoverd running?");
        assertFailure(() -> c.watch("/a", new Recorder()), Kind.UNREACHABLE, 0, "cannot reach");
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertFailure(Call call, Kind kind, int status, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        RegistryClientException.class,
                        e -> {
                            assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
                            assertThat(e.status()).isEqualTo(status);
                            assertThat(e.getMessage()).contains(message);
                        });
    }

    // ---------------------------------------------------------------- export and import

    @Test
    void exportThenImport_sameKeysInAnotherRegistry() throws Exception {
        RegistryClient c = client();
        for (int i = 0; i < 1_000; i++) {
            c.put("/k/" + i, Map.of("v", "value " + i));
        }
        StringWriter export = new StringWriter();

        long keys = c.export("/k", export);

        assertThat(keys).isEqualTo(1_001);
        List<String> lines = export.toString().lines().toList();
        assertThat(lines).hasSize(1_003);
        assertThat(lines.get(0)).startsWith("{\"format\":\"switchover-registry\",\"version\":1,");
        assertThat(lines.get(1_002)).isEqualTo("{\"end\":true,\"keys\":1001}");

        c.deleteKey("/k");
        long imported =
                c.importFrom(
                        new ByteArrayInputStream(
                                export.toString().getBytes(StandardCharsets.UTF_8)));

        assertThat(imported).isEqualTo(1_001);
        assertThat(c.get("/k/999")).hasValue(Map.of("v", "value 999"));
    }

    @Test
    void import_badLine_invalidNamingTheLine() throws Exception {
        RegistryClient c = client();
        String body =
                "{\"format\":\"switchover-registry\",\"version\":1}\n"
                        + "{\"key\":\"/a\",\"values\":{}}\n"
                        + "{\"key\":\"/b\",\"values\":{\"x\":1}}\n";

        assertFailure(
                () -> c.importFrom(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))),
                Kind.INVALID,
                400,
                "line 3: value 'x' must be a string");
        assertThat(c.get("/a")).isPresent();
    }

    private static final String EXPORT_START =
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n\r\n"
                    + "{\"format\":\"switchover-registry\",\"version\":1}\n"
                    + "{\"key\":\"/a\",\"values\":{}}\n";

    @Test
    void export_endsWithoutItsEndLine_protocolIncomplete() throws Exception {
        try (FakeDaemon fake = new FakeDaemon(EXPORT_START, true)) {
            RegistryClient c = RegistryClient.builder(fake.url()).token("t").build();

            assertFailure(
                    () -> c.export("/", new StringWriter()),
                    Kind.PROTOCOL,
                    200,
                    "the export broke off after 1 keys, without its end line");
        }
    }

    @Test
    void export_daemonFallsSilent_unreachableAfterTheTimeout() throws Exception {
        try (FakeDaemon fake = new FakeDaemon(EXPORT_START, false)) {
            RegistryClient c =
                    RegistryClient.builder(fake.url())
                            .token("t")
                            .requestTimeout(Duration.ofMillis(300))
                            .build();

            assertFailure(
                    () -> c.export("/", new StringWriter()),
                    Kind.UNREACHABLE,
                    0,
                    "sent nothing for PT0.3S; the export is incomplete");
        }
    }

    // ---------------------------------------------------------------- watch

    @Test
    void watch_changesInOrder_thenClosedByTheApplication() throws Exception {
        RegistryClient c = client();
        Recorder r = new Recorder();
        RegistryClient.Watch w = c.watch("/a", r);
        assertThat(w.isOpen()).isTrue();

        c.put("/a/b", Map.of("x", "1"));
        c.put("/other", Map.of());
        c.deleteValue("/a/b", "x");
        c.deleteKey("/a");
        await().atMost(Duration.ofSeconds(10)).until(() -> r.changes.size() == 3);
        w.close();

        assertThat(r.changes)
                .containsExactly(
                        new Change(1, Change.Kind.PUT, "/a/b", Map.of("x", "1"), ""),
                        new Change(3, Change.Kind.DELETE_VALUE, "/a/b", Map.of(), "x"),
                        new Change(4, Change.Kind.DELETE_KEY, "/a", Map.of(), ""));
        assertThat(r.awaitEnd())
                .isEqualTo(new WatchEnd(WatchEnd.Reason.CLOSED, "closed by the application"));
        assertThat(w.isOpen()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().watchCount() == 0);
        Thread.sleep(300);
        assertThat(r.ends).hasSize(1);
    }

    @Test
    void watch_endedByTheDaemon_listenerToldWhy() throws Exception {
        RegistryClient c = client();
        Recorder r = new Recorder();
        RegistryClient.Watch w = c.watch("/", r);
        c.put("/a", Map.of());

        server.registry().closeWatches("the registry is closing");

        assertThat(r.awaitEnd())
                .isEqualTo(
                        new WatchEnd(WatchEnd.Reason.ENDED_BY_DAEMON, "the registry is closing"));
        assertThat(r.changes).hasSize(1);
        assertThat(w.isOpen()).isFalse();
        w.close();
        Thread.sleep(200);
        assertThat(r.ends).hasSize(1);
    }

    @Test
    void watch_daemonStops_endedByTheDaemon() throws Exception {
        RegistryClient c = client();
        Recorder r = new Recorder();
        c.watch("/", r);

        server.close();

        assertThat(r.awaitEnd())
                .isEqualTo(
                        new WatchEnd(
                                WatchEnd.Reason.ENDED_BY_DAEMON, "the admin API is shutting down"));
        server = null;
    }

    @Test
    void watch_outlivesTheRequestTimeout() throws Exception {
        server = RegistryTestServer.start(dir, FAST);
        RegistryClient c =
                RegistryClient.builder(server.url())
                        .tokenFile(server.tokenFile())
                        .requestTimeout(Duration.ofMillis(500))
                        .build();
        Recorder r = new Recorder();
        c.watch("/", r);

        Thread.sleep(1_500);
        c.put("/late", Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> r.changes.size() == 1);
        assertThat(r.ends).isEmpty();
    }

    @Test
    void watch_overCapacity_unavailableFromWatch() throws Exception {
        RegistryClient c = client();
        c.watch("/", new Recorder());
        c.watch("/", new Recorder());

        assertFailure(
                () -> c.watch("/", new Recorder()), Kind.UNAVAILABLE, 503, "2 watches are open");
    }

    @Test
    void watch_invalidKey_invalidFromWatch() throws Exception {
        RegistryClient c = client();
        Recorder r = new Recorder();

        assertFailure(() -> c.watch("a", r), Kind.INVALID, 400, "must start with '/'");
        assertThat(r.ends).isEmpty();
    }

    @Test
    void watch_listenerThrows_endsTheWatch() throws Exception {
        RegistryClient c = client();
        CountDownLatch ended = new CountDownLatch(1);
        List<WatchEnd> ends = new CopyOnWriteArrayList<>();
        c.watch(
                "/",
                new RegistryClient.WatchListener() {
                    @Override
                    public void changed(Change change) {
                        throw new IllegalStateException("cannot apply " + change.key());
                    }

                    @Override
                    public void ended(WatchEnd end) {
                        ends.add(end);
                        ended.countDown();
                    }
                });

        c.put("/a", Map.of());

        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ends.get(0).reason()).isEqualTo(WatchEnd.Reason.LISTENER_FAILED);
        assertThat(ends.get(0).detail()).contains("IllegalStateException: cannot apply /a");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().watchCount() == 0);
    }

    @Test
    void watch_silentDaemon_connectionLostAfterThreeHeartbeats() throws Exception {
        try (FakeDaemon fake =
                new FakeDaemon(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n"
                                + chunk("{\"watching\":\"/\",\"heartbeatMillis\":100}\n"))) {
            RegistryClient c = RegistryClient.builder(fake.url()).token("t").build();
            Recorder r = new Recorder();
            long start = System.nanoTime();
            c.watch("/", r);

            WatchEnd end = r.awaitEnd();

            assertThat(end.reason()).isEqualTo(WatchEnd.Reason.CONNECTION_LOST);
            assertThat(end.detail()).contains("3 heartbeat intervals");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThan(Duration.ofMillis(300));
        }
    }

    @Test
    void watch_connectionDrops_connectionLost() throws Exception {
        try (FakeDaemon fake =
                new FakeDaemon(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n"
                                + chunk("{\"watching\":\"/\",\"heartbeatMillis\":15000}\n"))) {
            RegistryClient c = RegistryClient.builder(fake.url()).token("t").build();
            Recorder r = new Recorder();
            c.watch("/", r);

            fake.dropConnection();

            assertThat(r.awaitEnd().reason()).isEqualTo(WatchEnd.Reason.CONNECTION_LOST);
        }
    }

    private static String chunk(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length)
                + "\r\n"
                + text
                + "\r\n";
    }

    /** A port that answers one connection with a fixed response, then keeps quiet or closes. */
    private static final class FakeDaemon implements AutoCloseable {
        private final ServerSocket listener;
        private final Thread thread;
        private volatile Socket connection;

        FakeDaemon(String response) throws IOException {
            this(response, false);
        }

        /**
         * @param thenClose whether to close the connection after the response
         */
        FakeDaemon(String response, boolean thenClose) throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            thread =
                    new Thread(
                            () -> {
                                try {
                                    Socket s = listener.accept();
                                    connection = s;
                                    InputStream in = s.getInputStream();
                                    // the request head ends with an empty line
                                    int matched = 0;
                                    while (matched < 4) {
                                        int b = in.read();
                                        if (b < 0) {
                                            return;
                                        }
                                        matched =
                                                (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : 0;
                                    }
                                    OutputStream out = s.getOutputStream();
                                    out.write(response.getBytes(StandardCharsets.UTF_8));
                                    out.flush();
                                    if (thenClose) {
                                        s.close();
                                    }
                                } catch (IOException e) {
                                    // closed by the test
                                }
                            },
                            "fake-daemon");
            thread.setDaemon(true);
            thread.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
        }

        void dropConnection() throws IOException {
            await().atMost(Duration.ofSeconds(5)).until(() -> connection != null);
            connection.close();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            Socket s = connection;
            if (s != null) {
                s.close();
            }
        }
    }
}
