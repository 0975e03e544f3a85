package io.switchover.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.registry.RegistryException;
import io.switchover.daemon.admin.AdminServer.RegistrySettings;
import io.switchover.daemon.testing.AdminHttp;
import io.switchover.daemon.testing.AdminHttp.Reply;
import io.switchover.daemon.testing.RegistryTestServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registry's plain endpoints over real loopback HTTP: answers, statuses and error bodies. */
class RegistryEndpointsTest {
    @TempDir Path dir;

    private RegistryTestServer server;
    private AdminHttp http;

    @BeforeEach
    void start() {
        server = RegistryTestServer.start(dir);
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Reply put(String key, String body) {
        return http.send("PUT", "registry?key=" + key, body);
    }

    private static void assertError(Reply r, int status, String kind, String message) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.json().path("kind").asText()).as("%s", r).isEqualTo(kind);
        assertThat(r.json().path("error").asText()).as("%s", r).contains(message);
    }

    // ---------------------------------------------------------------- reading

    @Test
    void get_existingKey_valuesAndChildren() {
        put("/Site/Lines/Line1", "{\"values\":{\"speed\":\"9600\",\"parity\":\"none\"}}");
        put("/Site/Lines/Line1/Port", "{\"values\":{}}");
        put("/Site/Lines/Line1/Modem", "{\"values\":{}}");

        JsonNode doc = http.getJson("registry?key=/Site/Lines/Line1");

        assertThat(doc.path("key").asText()).isEqualTo("/Site/Lines/Line1");
        assertThat(doc.path("values").toString())
                .isEqualTo("{\"parity\":\"none\",\"speed\":\"9600\"}");
        assertThat(doc.path("children").toString()).isEqualTo("[\"Modem\",\"Port\"]");
    }

    @Test
    void get_urlEncodedKey_decoded() {
        put("/Site/Line%201", "{\"values\":{\"a+b\":\"x&y\"}}");

        JsonNode doc = http.getJson("registry?key=%2FSite%2FLine+1");

        assertThat(doc.path("key").asText()).isEqualTo("/Site/Line 1");
        assertThat(doc.path("values").path("a+b").asText()).isEqualTo("x&y");
    }

    @Test
    void get_absentKey_404NotFound() {
        assertError(http.get("registry?key=/nope"), 404, "NOT_FOUND", "key '/nope' does not exist");
    }

    @Test
    void get_noKeyParameter_400NamesIt() {
        assertError(http.get("registry"), 400, "INVALID", "missing parameter key: add ?key=/path");
    }

    @Test
    void get_pathWithoutSlash_400TheRule() {
        assertError(http.get("registry?key=Site"), 400, "INVALID", "must start with '/'");
    }

    @Test
    void children_key_namesInOrder() {
        put("/a/c", "{\"values\":{}}");
        put("/a/b/deep", "{\"values\":{}}");

        JsonNode doc = http.getJson("registry/children?key=/a");

        assertThat(doc.path("key").asText()).isEqualTo("/a");
        assertThat(doc.path("children").toString()).isEqualTo("[\"b\",\"c\"]");
        assertThat(http.getJson("registry/children?key=/").path("children").toString())
                .isEqualTo("[\"a\"]");
    }

    @Test
    void children_absentKey_404() {
        assertError(http.get("registry/children?key=/nope"), 404, "NOT_FOUND", "/nope");
    }

    // ---------------------------------------------------------------- writing

    @Test
    void put_values_theSequencedChange() {
        Reply first = put("/a/b", "{\"values\":{\"x\":\"1\",\"y\":\"2\"}}");
        Reply second = put("/a/b", "{\"values\":{\"x\":\"3\"}}");

        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.json().toString())
                .isEqualTo(
                        "{\"seq\":1,\"kind\":\"PUT\",\"key\":\"/a/b\",\"values\":{\"x\":\"1\",\"y\":\"2\"}}");
        assertThat(second.json().path("seq").asLong()).isEqualTo(2);
        assertThat(http.getJson("registry?key=/a/b").path("values").toString())
                .isEqualTo("{\"x\":\"3\",\"y\":\"2\"}");
    }

    @Test
    void put_noValues_createsTheKey() {
        assertThat(put("/empty", "{\"values\":{}}").status()).isEqualTo(200);

        assertThat(http.getJson("registry?key=/empty").path("values").size()).isZero();
    }

    @Test
    void put_notJson_400SaysWhatToSend() {
        assertError(
                put("/a", "{values"), 400, "INVALID", "the body is not JSON (Unexpected character");
        assertThat(put("/a", "{values").json().path("error").asText())
                .endsWith("send {\"values\":{\"name\":\"value\"}}");
    }

    @Test
    void put_emptyBody_400() {
        assertError(put("/a", null), 400, "INVALID", "the body is empty");
    }

    @Test
    void put_numberValue_400QuoteIt() {
        assertError(
                put("/a", "{\"values\":{\"speed\":9600}}"),
                400,
                "INVALID",
                "value 'speed' must be a string, got number 9600; quote it");
    }

    @Test
    void put_nullValue_400SaysHowToDelete() {
        assertError(
                put("/a", "{\"values\":{\"x\":null}}"),
                400,
                "INVALID",
                "value 'x' is null; to remove a value, DELETE it");
    }

    @Test
    void put_unknownField_400() {
        assertError(
                put("/a", "{\"values\":{},\"value\":{}}"),
                400,
                "INVALID",
                "unknown field \"value\"; expected only values");
    }

    @Test
    void put_noValuesField_400() {
        assertError(put("/a", "{}"), 400, "INVALID", "the body has no \"values\"");
    }

    @Test
    void put_valueNameWithControlCharacter_400FromTheRegistry() {
        Reply r = put("/a", "{\"values\":{\"a\\u0001\":\"x\"}}");

        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.json().path("kind").asText()).isEqualTo("INVALID");
    }

    @Test
    void put_valueOverTheLimit_400Limit() {
        String big = "x".repeat(65_537);

        Reply r = put("/a", "{\"values\":{\"v\":\"" + big + "\"}}");

        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.json().path("kind").asText()).isEqualTo("LIMIT");
        assertThat(r.json().path("error").asText()).contains("65536");
    }

    @Test
    void put_root_400() {
        assertError(put("/", "{\"values\":{\"x\":\"1\"}}"), 400, "INVALID", "root");
    }

    @Test
    void put_bodyOverTheDocumentLimit_413() {
        server.close();
        server =
                RegistryTestServer.start(
                        dir, new RegistrySettings(32, Duration.ofSeconds(15), 100, 4, 1024));

        Reply r =
                server.http()
                        .send(
                                "PUT",
                                "registry?key=/a",
                                "{\"values\":{\"v\":\"" + "x".repeat(2000) + "\"}}");

        assertError(r, 413, "LIMIT", "the body is larger than 1024 bytes");
        assertThat(server.registry().keyCount()).isZero();
    }

    @Test
    void put_notPrimary_409WithTheRegistrysMessage() {
        server.registry()
                .refuseWrites(
                        RegistryException.Kind.NOT_PRIMARY,
                        "node-b is not the primary; the primary is node-a (http://10.0.0.1:7480/)");

        assertError(
                put("/a", "{\"values\":{}}"),
                409,
                "NOT_PRIMARY",
                "node-b is not the primary; the primary is node-a (http://10.0.0.1:7480/)");
    }

    @Test
    void put_unavailable_503() {
        server.registry()
                .refuseWrites(
                        RegistryException.Kind.UNAVAILABLE, "a switchover is draining replication");

        assertError(put("/a", "{\"values\":{}}"), 503, "UNAVAILABLE", "draining");
    }

    @Test
    void deleteValue_present_theChange() {
        put("/a", "{\"values\":{\"x\":\"1\",\"y\":\"2\"}}");

        Reply r = http.send("DELETE", "registry?key=/a&value=x", null);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().toString())
                .isEqualTo("{\"seq\":2,\"kind\":\"DELETE_VALUE\",\"key\":\"/a\",\"name\":\"x\"}");
        assertThat(http.getJson("registry?key=/a").path("values").toString())
                .isEqualTo("{\"y\":\"2\"}");
    }

    @Test
    void deleteValue_absent_404() {
        put("/a", "{\"values\":{}}");

        assertError(
                http.send("DELETE", "registry?key=/a&value=x", null),
                404,
                "NOT_FOUND",
                "has no value 'x'");
    }

    @Test
    void deleteKey_withSubtree_allGone() {
        put("/a/b/c", "{\"values\":{\"x\":\"1\"}}");

        Reply r = http.send("DELETE", "registry?key=/a", null);

        assertThat(r.json().toString())
                .isEqualTo("{\"seq\":2,\"kind\":\"DELETE_KEY\",\"key\":\"/a\"}");
        assertThat(http.get("registry?key=/a/b/c").status()).isEqualTo(404);
        assertThat(http.getJson("registry/children?key=/").path("children").size()).isZero();
    }

    @Test
    void deleteKey_absent_404() {
        assertError(http.send("DELETE", "registry?key=/nope", null), 404, "NOT_FOUND", "/nope");
    }

    @Test
    void deleteKey_root_400() {
        assertError(http.send("DELETE", "registry?key=/", null), 400, "INVALID", "root");
    }

    // ---------------------------------------------------------------- the API around it

    @ParameterizedTest
    @CsvSource({
        "POST, registry?key=/a, 'GET, PUT or DELETE'",
        "PUT, registry/children?key=/a, GET",
        "POST, registry/export, GET",
        "GET, registry/import, POST",
        "DELETE, registry/watch?key=/a, GET"
    })
    void wrongMethod_405NamesTheRightOnes(String method, String path, String allowed) {
        Reply r = http.send(method, path, "{}");

        assertThat(r.status()).as("%s", r).isEqualTo(405);
        assertThat(r.json().path("error").asText()).endsWith(" takes " + allowed);
    }

    @Test
    void unknownRegistryEndpoint_404() {
        Reply r = http.get("registry/keys");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").asText())
                .isEqualTo("no such endpoint: GET /registry/keys");
    }

    @ParameterizedTest
    @CsvSource({
        "GET, registry?key=/a",
        "PUT, registry?key=/a",
        "DELETE, registry?key=/a",
        "GET, registry/children?key=/",
        "GET, registry/export",
        "POST, registry/import",
        "GET, registry/watch?key=/"
    })
    void registryEndpoints_noOrWrongToken_401And403(String method, String path) {
        Reply none = http.withoutToken().send(method, path, "{\"values\":{}}");
        Reply wrong = http.withToken("not-the-token").send(method, path, "{\"values\":{}}");

        assertThat(none.status()).as("%s", none).isEqualTo(401);
        assertThat(none.json().path("error").asText())
                .startsWith("missing token: send 'Authorization: Bearer <token>'")
                .endsWith(server.tokenFile().toString());
        assertThat(wrong.status()).as("%s", wrong).isEqualTo(403);
        assertThat(server.registry().keyCount()).isZero();
        assertThat(server.registry().watchCount()).isZero();
    }

    @Test
    void existingEndpoints_stillAnswer() {
        assertThat(http.withoutToken().get("health").json().path("state").asText())
                .isEqualTo("PRIMARY");
        assertThat(http.getJson("status").path("node").path("id").asText()).isEqualTo("node-a");
        assertThat(http.withoutToken().get("status").status()).isEqualTo(401);
        assertThat(http.get("events?limit=0").status()).isEqualTo(400);
        assertThat(http.post("switch").status()).isEqualTo(409);
    }

    @Test
    void noRegistry_503SaysSo() throws Exception {
        try (AdminServer plain =
                new AdminServer(
                        new InetSocketAddress("127.0.0.1", 0),
                        new RegistryTestServer.LonePrimary(),
                        t -> t.equals("t"),
                        "the token file")) {
            plain.start();
            AdminHttp h =
                    new AdminHttp(
                            URI.create("http://127.0.0.1:" + plain.address().getPort() + "/"),
                            Optional.of("t"));

            assertError(
                    h.get("registry?key=/a"),
                    503,
                    "UNAVAILABLE",
                    "this daemon does not serve the registry");
        }
    }
}
