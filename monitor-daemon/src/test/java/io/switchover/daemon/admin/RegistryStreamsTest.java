package io.switchover.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchover.core.registry.RegistryException;
import io.switchover.daemon.admin.AdminServer.RegistrySettings;
import io.switchover.daemon.testing.AdminHttp.Reply;
import io.switchover.daemon.testing.RawHttp;
import io.switchover.daemon.testing.RegistryTestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's streams over real loopback HTTP: export and import (streamed both ways, complete,
 * errors by line) and watches (order, heartbeats, ends, capacity, a plain API that keeps
 * answering).
 */
class RegistryStreamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
    private static final String HEADER = "{\"format\":\"switchover-registry\",\"version\":1}";

    /** Short heartbeats, so that tests see them and notice gone clients quickly. */
    private static final RegistrySettings FAST =
            new RegistrySettings(32, Duration.ofMillis(100), 10_000, 4, 16 * 1024 * 1024);

    @TempDir Path dir;

    private final List<RegistryTestServer> servers = new ArrayList<>();
    private final List<AutoCloseable> streams = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable s : streams) {
            s.close();
        }
        servers.forEach(RegistryTestServer::close);
    }

    private RegistryTestServer server(RegistrySettings settings) throws IOException {
        RegistryTestServer s =
                RegistryTestServer.start(
                        Files.createDirectories(dir.resolve("s" + servers.size())), settings);
        servers.add(s);
        return s;
    }

    private RegistryTestServer server() throws IOException {
        return server(FAST);
    }

    private static HttpRequest.Builder request(RegistryTestServer s, String path) {
        return HttpRequest.newBuilder(s.url().resolve(path))
                .header("Authorization", "Bearer " + RegistryTestServer.TOKEN)
                .timeout(Duration.ofSeconds(30));
    }

    /** A stream's response, read line by line. */
    private final class Lines implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BufferedReader reader;

        Lines(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader =
                    new BufferedReader(
                            new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            streams.add(this);
        }

        JsonNode next() throws IOException {
            String line = reader.readLine();
            return line == null ? null : JSON.readTree(line);
        }

        /** The next line that is not a heartbeat. */
        JsonNode nextEvent() throws IOException {
            JsonNode n = next();
            while (n != null && n.has("heartbeat")) {
                n = next();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    private Lines open(RegistryTestServer s, String path) throws Exception {
        return new Lines(
                HTTP.send(
                        request(s, path).GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** The export of {@code key} (URL-encoded), or of the default key when null. */
    private static String export(RegistryTestServer s, String key) throws Exception {
        HttpResponse<String> r =
                HTTP.send(
                        request(s, "registry/export" + (key == null ? "" : "?key=" + key))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static HttpResponse<String> importBody(RegistryTestServer s, String body)
            throws Exception {
        return HTTP.send(
                request(s, "registry/import")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void put(RegistryTestServer s, String key, Map<String, String> values)
            throws RegistryException {
        s.registry().put(key, values);
    }

    /** An export's lines after the header, which holds the time of the export. */
    private static List<String> withoutHeader(String export) {
        List<String> lines = export.lines().collect(Collectors.toList());
        return lines.subList(1, lines.size());
    }

    // ---------------------------------------------------------------- export

    @Test
    void export_subtree_headerKeysInPathOrderEndLine() throws Exception {
        RegistryTestServer s = server();
        put(s, "/Site/Lines/Line2", Map.of("speed", "9600"));
        put(s, "/Site/Lines/Line1", Map.of("speed", "19200", "parity", "none"));
        put(s, "/Other", Map.of());

        HttpResponse<String> r =
                HTTP.send(
                        request(s, "registry/export?key=/Site").GET().build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        List<String> lines = r.body().lines().toList();
        JsonNode header = JSON.readTree(lines.get(0));
        assertThat(header.path("format").asText()).isEqualTo("switchover-registry");
        assertThat(header.path("version").asInt()).isEqualTo(1);
        assertThat(header.path("key").asText()).isEqualTo("/Site");
        assertThat(header.path("exported").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(lines.subList(1, lines.size()))
                .containsExactly(
                        "{\"key\":\"/Site\",\"values\":{}}",
                        "{\"key\":\"/Site/Lines\",\"values\":{}}",
                        "{\"key\":\"/Site/Lines/Line1\",\"values\":{\"parity\":\"none\",\"speed\":\"19200\"}}",
                        "{\"key\":\"/Site/Lines/Line2\",\"values\":{\"speed\":\"9600\"}}",
                        "{\"end\":true,\"keys\":4}");
    }

    @Test
    void export_noKeyParameter_theWholeRegistry() throws Exception {
        RegistryTestServer s = server();
        put(s, "/a", Map.of());
        put(s, "/b", Map.of());

        assertThat(withoutHeader(export(s, null)))
                .containsExactly(
                        "{\"key\":\"/a\",\"values\":{}}",
                        "{\"key\":\"/b\",\"values\":{}}",
                        "{\"end\":true,\"keys\":2}");
        assertThat(JSON.readTree(export(s, "%2F").lines().findFirst().get()).path("key").asText())
                .isEqualTo("/");
    }

    @Test
    void export_invalidKey_400BeforeAnyLine() throws Exception {
        RegistryTestServer s = server();

        Reply r = s.http().get("registry/export?key=nope");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("kind").asText()).isEqualTo("INVALID");
        assertThat(r.json().path("error").asText()).contains("must start with '/'");
    }

    @Test
    void export_streams_linesArriveWhileTheExportRunsAndPlainCallsAnswer() throws Exception {
        RegistryTestServer s = server();
        String kilobyte = "x".repeat(1024);
        for (int i = 0; i < 200; i++) {
            put(s, "/k/" + String.format("%03d", i), Map.of("v", kilobyte));
        }
        CountDownLatch resume = new CountDownLatch(1);
        // Past the server's 64 KiB of buffering: what is written by then is on its way.
        s.registry().pauseNextExport(100, resume);

        try (Lines export = open(s, "registry/export?key=/k")) {
            // The export is held after 100 keys; the client has its first lines all the same.
            assertThat(export.next().path("format").asText()).isEqualTo("switchover-registry");
            assertThat(export.next().path("key").asText()).isEqualTo("/k");
            assertThat(export.next().path("key").asText()).isEqualTo("/k/000");
            assertThat(s.http().getJson("status").path("node").path("state").asText())
                    .isEqualTo("PRIMARY");

            resume.countDown();

            int keys = 2;
            JsonNode line = export.next();
            while (!line.has("end")) {
                keys++;
                line = export.next();
            }
            assertThat(keys).isEqualTo(201);
            assertThat(line.path("keys").asLong()).isEqualTo(201);
            assertThat(export.next()).isNull();
        }
    }

    @Test
    void export_50000Keys_reimportedIntoAnEmptyRegistryExportsTheSame() throws Exception {
        RegistryTestServer source = server();
        for (int i = 0; i < 50_000; i++) {
            put(
                    source,
                    "/Site/Area" + (i % 50) + "/Line" + i,
                    Map.of("speed", "" + (9600 + i), "note", "line \"" + i + "\"\nsecond line"));
        }
        String exported = export(source, "/");
        RegistryTestServer target = server();

        HttpResponse<String> imported = importBody(target, exported);

        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(JSON.readTree(imported.body()).path("imported").asLong()).isEqualTo(50_051);
        assertThat(target.registry().keyCount()).isEqualTo(50_051);
        String reexported = export(target, "/");
        assertThat(withoutHeader(reexported)).isEqualTo(withoutHeader(exported));
        assertThat(withoutHeader(exported))
                .hasSize(50_052)
                .last()
                .isEqualTo("{\"end\":true,\"keys\":50051}");
    }

    // ---------------------------------------------------------------- import

    @Test
    void import_handWrittenWithoutEndLine_writesEveryKey() throws Exception {
        RegistryTestServer s = server();

        HttpResponse<String> r =
                importBody(
                        s,
                        HEADER
                                + "\n\n{\"key\":\"/a/b\",\"values\":{\"x\":\"1\"}}\r\n"
                                + "{\"key\":\"/c\"}\n");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("imported").asLong()).isEqualTo(2);
        assertThat(s.registry().get("/a/b")).hasValue(new java.util.TreeMap<>(Map.of("x", "1")));
        assertThat(s.registry().get("/c")).isPresent();
    }

    @Test
    void import_badLines_400NamingTheLine() throws Exception {
        RegistryTestServer s = server();
        String k1 = "{\"key\":\"/a\",\"values\":{}}\n";

        assertImportFails(s, "", 1, "line 1: the body is empty; an import starts with the header");
        assertImportFails(s, k1, 1, "line 1: not a registry export: the first line must be");
        assertImportFails(
                s,
                "{\"format\":\"switchover-registry\",\"version\":2}\n",
                1,
                "line 1: export format version 2 is not supported");
        assertImportFails(s, HEADER + "\n" + k1 + "{\"key\":\n", 3, "line 3: not JSON: ");
        assertImportFails(s, HEADER + "\n" + k1 + "[1]\n", 3, "line 3: each line must be one");
        assertImportFails(
                s,
                HEADER + "\n\n" + k1 + "{\"key\":\"a\"}\n",
                4,
                "line 4: key path 'a' must start with '/'");
        assertImportFails(
                s,
                HEADER + "\n" + k1 + "{\"key\":\"/b\",\"values\":{\"n\":1}}\n",
                3,
                "line 3: value 'n' must be a string");
        assertImportFails(
                s,
                HEADER + "\n" + k1 + "{\"end\":true,\"keys\":2}\n",
                3,
                "line 3: the end line says 2 keys but 1");
        assertImportFails(
                s,
                HEADER + "\n" + k1 + "{\"end\":true,\"keys\":1}\n" + k1,
                4,
                "line 4: nothing may follow the end line");
        // Found by the registry, not the API: the key it was taking is the line.
        assertImportFails(
                s,
                HEADER + "\n" + k1 + k1 + "{\"key\":\"/b\",\"values\":{\"\":\"x\"}}\n" + k1,
                4,
                "line 4: key 3 (/b): ");
        assertThat(s.registry().get("/b")).isEmpty();
    }

    private static void assertImportFails(
            RegistryTestServer s, String body, long line, String error) throws Exception {
        HttpResponse<String> r = importBody(s, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.path("error").asText()).as(body).startsWith(error);
        assertThat(doc.path("kind").asText()).isEqualTo("INVALID");
        assertThat(doc.path("line").asLong()).isEqualTo(line);
    }

    @Test
    void import_lineOverTheLimit_400NamesTheLineAndTheLimit() throws Exception {
        RegistryTestServer s =
                server(new RegistrySettings(32, Duration.ofMillis(100), 100, 4, 1000));
        String big = "{\"key\":\"/big\",\"values\":{\"v\":\"" + "x".repeat(2000) + "\"}}\n";

        HttpResponse<String> r = importBody(s, HEADER + "\n{\"key\":\"/a\",\"values\":{}}\n" + big);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText())
                .isEqualTo(
                        "line 3: longer than 1000 bytes, the most one key may take in an import");
        assertThat(s.registry().get("/a")).isPresent();
    }

    @Test
    void import_streams_keysAreWrittenBeforeTheBodyEnds() throws Exception {
        RegistryTestServer s = server();
        try (RawHttp upload =
                RawHttp.postChunked(s.url(), "/registry/import", RegistryTestServer.TOKEN)) {
            upload.chunk(HEADER + "\n{\"key\":\"/first\",\"values\":{}}\n{\"key\":\"/sec");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> s.registry().get("/first").isPresent());
            upload.chunk("ond\",\"values\":{}}\n");
            upload.endChunks();

            String response = upload.readAll();
            assertThat(response).startsWith("HTTP/1.1 200 ").contains("\"imported\" : 2");
            assertThat(s.registry().get("/second")).isPresent();
        }
    }

    @Test
    void import_notPrimary_409() throws Exception {
        RegistryTestServer s = server();
        s.registry().refuseWrites(RegistryException.Kind.NOT_PRIMARY, "the primary is node-a");

        HttpResponse<String> r = importBody(s, HEADER + "\n{\"key\":\"/a\",\"values\":{}}\n");

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(r.body()).path("kind").asText()).isEqualTo("NOT_PRIMARY");
        assertThat(JSON.readTree(r.body()).path("error").asText())
                .isEqualTo("the primary is node-a");
    }

    // ---------------------------------------------------------------- watch

    @Test
    void watch_changes_deliveredInOrderThenTheClosingReason() throws Exception {
        RegistryTestServer s =
                server(new RegistrySettings(32, Duration.ofSeconds(15), 10_000, 4, 1 << 20));
        try (Lines watch = open(s, "registry/watch?key=/a")) {
            assertThat(watch.response.headers().firstValue("Content-Type"))
                    .hasValue("application/x-ndjson");
            assertThat(watch.next().toString())
                    .isEqualTo("{\"watching\":\"/a\",\"heartbeatMillis\":15000}");

            put(s, "/a/b", Map.of("x", "1"));
            put(s, "/elsewhere", Map.of("x", "1"));
            s.registry().deleteValue("/a/b", "x");
            for (int i = 0; i < 100; i++) {
                put(s, "/a/n", Map.of("i", "" + i));
            }
            s.registry().deleteKey("/a");
            s.registry().closeWatches("the registry is closing");

            assertThat(watch.next().toString())
                    .isEqualTo(
                            "{\"seq\":1,\"kind\":\"PUT\",\"key\":\"/a/b\",\"values\":{\"x\":\"1\"}}");
            assertThat(watch.next().toString())
                    .isEqualTo(
                            "{\"seq\":3,\"kind\":\"DELETE_VALUE\",\"key\":\"/a/b\",\"name\":\"x\"}");
            for (int i = 0; i < 100; i++) {
                JsonNode c = watch.next();
                assertThat(c.path("seq").asLong()).isEqualTo(4 + i);
                assertThat(c.path("values").path("i").asText()).isEqualTo("" + i);
            }
            assertThat(watch.next().toString())
                    .isEqualTo("{\"seq\":104,\"kind\":\"DELETE_KEY\",\"key\":\"/a\"}");
            assertThat(watch.next().toString())
                    .isEqualTo("{\"closed\":\"the registry is closing\"}");
            assertThat(watch.next()).isNull();
        }
    }

    @Test
    void watch_idle_heartbeats() throws Exception {
        RegistryTestServer s = server();
        try (Lines watch = open(s, "registry/watch?key=/")) {
            watch.next();

            assertThat(watch.next().path("heartbeat").asText()).matches("\\d{4}-.*Z");
            assertThat(watch.next().has("heartbeat")).isTrue();
        }
    }

    @Test
    void watch_clientGone_theRegistrysWatchIsClosed() throws Exception {
        RegistryTestServer s = server();
        Lines watch = open(s, "registry/watch?key=/");
        watch.next();
        assertThat(s.registry().watchCount()).isEqualTo(1);

        watch.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> s.registry().watchCount() == 0);
    }

    @Test
    void watch_invalidKey_400AndNoWatch() throws Exception {
        RegistryTestServer s = server();

        Reply r = s.http().get("registry/watch?key=a//b");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("kind").asText()).isEqualTo("INVALID");
        assertThat(s.registry().watchCount()).isZero();
    }

    @Test
    void watch_adminServerCloses_lastLineSaysSo() throws Exception {
        RegistryTestServer s = server();
        Lines watch = open(s, "registry/watch?key=/");
        watch.next();

        s.close();

        assertThat(watch.nextEvent().toString())
                .isEqualTo("{\"closed\":\"the admin API is shutting down\"}");
        assertThat(s.registry().watchCount()).isZero();
    }

    @Test
    void watch_clientThatStopsReading_watchClosedAndItsPlaceFreed() throws Exception {
        RegistryTestServer s =
                server(new RegistrySettings(1, Duration.ofMillis(200), 20, 4, 1 << 20));
        String value = "v".repeat(60_000);
        try (RawHttp stuck =
                RawHttp.get(s.url(), "/registry/watch?key=/", RegistryTestServer.TOKEN, 4096)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> s.registry().watchCount() == 1);

            // Far more than the socket buffers hold: the stream's writes block, changes pile up.
            for (int i = 0; i < 500 && s.registry().watchCount() == 1; i++) {
                put(s, "/k", Map.of("v", value + i));
            }

            assertThat(s.registry().watchCount()).isZero();
            try (Lines next = awaitWatch(s)) {
                assertThat(next.next().path("watching").asText()).isEqualTo("/");
            }
        }
    }

    /** Opens a watch of the root once a place is free. */
    private Lines awaitWatch(RegistryTestServer s) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Lines w = open(s, "registry/watch?key=/");
            if (w.response.statusCode() == 200 || System.nanoTime() > deadline) {
                return w;
            }
            w.close();
            Thread.sleep(50);
        }
    }

    @Test
    void watch_capacity_oneMoreIs503AndPlainCallsKeepAnswering() throws Exception {
        RegistryTestServer s = server();
        assertThat(FAST.maxWatches()).isEqualTo(RegistrySettings.DEFAULT.maxWatches());
        List<Lines> open = new ArrayList<>();
        for (int i = 0; i < RegistrySettings.DEFAULT.maxWatches(); i++) {
            Lines w = open(s, "registry/watch?key=/w" + i);
            assertThat(w.next().path("watching").asText()).isEqualTo("/w" + i);
            open.add(w);
        }

        Reply refused = s.http().get("registry/watch?key=/");

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().path("kind").asText()).isEqualTo("UNAVAILABLE");
        assertThat(refused.json().path("error").asText())
                .isEqualTo(
                        "32 watches are open, the most this daemon serves; close one, or watch a"
                                + " common ancestor key once instead of many keys; retry later");
        // The two threads of the plain API are free: every kind of call answers at once.
        for (int i = 0; i < 10; i++) {
            assertThat(s.http().getJson("status").path("node").path("state").asText())
                    .isEqualTo("PRIMARY");
            assertThat(s.http().send("PUT", "registry?key=/w" + i, "{\"values\":{}}").status())
                    .isEqualTo(200);
            assertThat(s.http().get("registry?key=/w" + i).status()).isEqualTo(200);
        }
        assertThat(export(s, "/")).contains("{\"end\":true,\"keys\":10}");
        for (int i = 0; i < 10; i++) {
            assertThat(open.get(i).nextEvent().path("key").asText()).isEqualTo("/w" + i);
        }

        open.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.registry().watchCount() == 31);
        try (Lines another = open(s, "registry/watch?key=/x")) {
            assertThat(another.next().path("watching").asText()).isEqualTo("/x");
        }
    }

    @Test
    void transfers_capacity_oneMoreIs503() throws Exception {
        RegistryTestServer s =
                server(new RegistrySettings(32, Duration.ofMillis(100), 100, 1, 1 << 20));
        put(s, "/a", Map.of());
        put(s, "/b", Map.of());
        CountDownLatch resume = new CountDownLatch(1);
        s.registry().pauseNextExport(1, resume);
        try (Lines held = open(s, "registry/export?key=/")) {
            Reply second = s.http().get("registry/export?key=/");

            assertThat(second.status()).isEqualTo(503);
            assertThat(second.json().path("error").asText())
                    .isEqualTo("1 exports and imports are running; retry later");
            resume.countDown();
        }
    }
}
