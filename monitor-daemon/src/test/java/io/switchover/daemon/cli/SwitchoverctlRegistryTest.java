package io.switchover.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchover.core.registry.RegistryException;
import io.switchover.daemon.admin.AdminServer.RegistrySettings;
import io.switchover.daemon.testing.RegistryTestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchoverctl registry ...} run in this JVM against a real admin server on loopback: the
 * output, the messages and the exit codes.
 */
class SwitchoverctlRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NL = System.lineSeparator();

    @TempDir Path dir;

    private RegistryTestServer server;
    private Path daemonDir;

    @BeforeEach
    void start() throws Exception {
        daemonDir = Files.createDirectories(dir.resolve("data"));
        server =
                RegistryTestServer.start(
                        daemonDir,
                        new RegistrySettings(32, Duration.ofMillis(200), 10_000, 4, 1 << 24));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** {@code switchoverctl --url ... --data-dir ... registry <args>}. */
    private CliRun registry(Object... args) {
        return CliRun.withInput("", command(args));
    }

    private Object[] command(Object... args) {
        List<Object> words =
                new ArrayList<>(List.of("--url", server.url(), "--data-dir", daemonDir));
        words.add("registry");
        words.addAll(List.of(args));
        return words.toArray();
    }

    private static Map<String, String> values(String... nameValue) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put(nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    // ---------------------------------------------------------------- get, put, delete, ls

    @Test
    void putThenGet_nameValueLines() {
        CliRun put = registry("put", "/Site/Lines/Line1", "speed=9600", "parity=none", "empty=");

        assertThat(put.code()).as("%s", put).isZero();
        assertThat(put.out()).isEqualTo("/Site/Lines/Line1: 3 values set (seq 1)" + NL);

        CliRun get = registry("get", "/Site/Lines/Line1");

        assertThat(get.code()).as("%s", get).isZero();
        assertThat(get.lines()).containsExactly("empty = ", "parity = none", "speed = 9600");
    }

    @Test
    void put_valueFile_multiLineValueAsIs() throws Exception {
        Path pem = dir.resolve("cert.pem");
        Files.writeString(pem, "-----BEGIN-----\nabc\n-----END-----\n");

        CliRun put = registry("put", "/tls", "--value-file", "cert=" + pem, "name=a=b");

        assertThat(put.code()).as("%s", put).isZero();
        assertThat(server.registry().get("/tls"))
                .hasValue(
                        new TreeMap<>(
                                values(
                                        "cert",
                                        "-----BEGIN-----\nabc\n-----END-----\n",
                                        "name",
                                        "a=b")));
        assertThat(registry("get", "/tls").out())
                .isEqualTo(
                        "cert = -----BEGIN-----\n       abc\n       -----END-----\n       "
                                + NL
                                + "name = a=b"
                                + NL);
    }

    @Test
    void put_noValues_createsTheKey() {
        assertThat(registry("put", "/a/b").out()).isEqualTo("/a/b: 0 values set (seq 1)" + NL);
        assertThat(registry("ls", "/a").lines()).containsExactly("b");
    }

    @Test
    void put_assignmentWithoutEquals_usage() {
        CliRun run = registry("put", "/a", "speed");

        assertThat(run.code()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("'speed' is not NAME=VALUE (e.g. speed=9600)");
    }

    @Test
    void put_missingValueFile_invalidNamingIt() {
        CliRun run = registry("put", "/a", "--value-file", "x=" + dir.resolve("nope"));

        assertThat(run.code()).as("%s", run).isEqualTo(8);
        assertThat(run.err()).contains("no file " + dir.resolve("nope") + " for --value-file");
    }

    @Test
    void get_json_keyAndValues() throws Exception {
        server.registry().put("/a", values("x", "1"));

        CliRun run = registry("get", "/a", "--json");

        assertThat(run.code()).isZero();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.path("key").asText()).isEqualTo("/a");
        assertThat(doc.path("values").toString()).isEqualTo("{\"x\":\"1\"}");
    }

    @Test
    void get_absent_notFoundWithWhatToDo() {
        CliRun run = registry("get", "/Site/Lines/Nope");

        assertThat(run.code()).as("%s", run).isEqualTo(7);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .isEqualTo(
                        "switchoverctl: key '/Site/Lines/Nope' does not exist; 'switchoverctl"
                                + " registry ls /Site/Lines' lists what exists"
                                + NL);
    }

    @Test
    void get_invalidPath_invalidWithTheRule() {
        CliRun run = registry("get", "Site");

        assertThat(run.code()).as("%s", run).isEqualTo(8);
        assertThat(run.err()).contains("key path 'Site' must start with '/'");
    }

    @Test
    void put_onABackup_refusedNamingThePrimary() {
        server.registry()
                .refuseWrites(
                        RegistryException.Kind.NOT_PRIMARY,
                        "node-b is not the primary; the primary is node-a (http://10.0.0.1:7480/)");

        CliRun run = registry("put", "/a", "x=1");

        assertThat(run.code()).as("%s", run).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo(
                        "switchoverctl: node-b is not the primary; the primary is node-a"
                                + " (http://10.0.0.1:7480/); writes go to the primary: run the"
                                + " command there (or pass its --url)"
                                + NL);
    }

    @Test
    void delete_whileDraining_unavailableRetry() {
        server.registry()
                .refuseWrites(
                        RegistryException.Kind.UNAVAILABLE, "a switchover is draining replication");

        CliRun run = registry("delete", "/a");

        assertThat(run.code()).as("%s", run).isEqualTo(9);
        assertThat(run.err()).contains("draining replication; retry in a moment");
    }

    @Test
    void delete_valueThenKey_saysWhatWentWithTheSeq() throws Exception {
        server.registry().put("/a/b", values("x", "1", "y", "2"));

        CliRun value = registry("delete", "/a/b", "--value", "x");
        CliRun key = registry("delete", "/a");

        assertThat(value.out()).isEqualTo("deleted value x of /a/b (seq 2)" + NL);
        assertThat(key.out()).isEqualTo("deleted /a and its subtree (seq 3)" + NL);
        assertThat(server.registry().get("/a/b")).isEmpty();
        CliRun again = registry("delete", "/a");
        assertThat(again.code()).isEqualTo(7);
        assertThat(again.err()).contains("'switchoverctl registry ls /' lists what exists");
    }

    @Test
    void ls_childrenOnePerLine_rootByDefault() throws Exception {
        server.registry().put("/b/x", Map.of());
        server.registry().put("/a", Map.of());

        assertThat(registry("ls").lines()).containsExactly("a", "b");
        assertThat(registry("ls", "/b").lines()).containsExactly("x");
        assertThat(registry("ls", "/b/x").out()).isEmpty();
    }

    // ---------------------------------------------------------------- export and import

    @Test
    void exportToAFile_importIntoAnEmptyRegistry_sameContent() throws Exception {
        for (int i = 0; i < 500; i++) {
            server.registry().put("/k/" + i, values("v", "value " + i, "n", "line\n" + i));
        }
        Path file = dir.resolve("backup.jsonl");

        CliRun export = registry("export", "-o", file);

        assertThat(export.code()).as("%s", export).isZero();
        assertThat(export.out()).isEqualTo("exported 501 keys of / to " + file + NL);
        assertThat(Files.readAllLines(file)).hasSize(503);
        assertThat(dir.resolve("backup.jsonl.partial")).doesNotExist();

        server.close();
        Path otherDir = Files.createDirectories(dir.resolve("other"));
        server = RegistryTestServer.start(otherDir);
        daemonDir = otherDir;
        CliRun imported = registry("import", file);

        assertThat(imported.code()).as("%s", imported).isZero();
        assertThat(imported.out()).isEqualTo("imported 501 keys from " + file + NL);
        CliRun again = registry("export");
        List<String> before = Files.readAllLines(file);
        List<String> after = again.lines();
        assertThat(after.subList(1, after.size())).isEqualTo(before.subList(1, before.size()));
    }

    @Test
    void export_subtreeToStandardOutput_jsonLines() throws Exception {
        server.registry().put("/a/b", values("x", "1"));
        server.registry().put("/c", Map.of());

        CliRun run = registry("export", "/a");

        assertThat(run.code()).isZero();
        assertThat(run.lines()).hasSize(4);
        assertThat(run.lines().get(0)).contains("\"key\":\"/a\"");
        assertThat(run.lines().subList(1, 4))
                .containsExactly(
                        "{\"key\":\"/a\",\"values\":{}}",
                        "{\"key\":\"/a/b\",\"values\":{\"x\":\"1\"}}",
                        "{\"end\":true,\"keys\":2}");
    }

    @Test
    void import_standardInput() {
        String body =
                "{\"format\":\"switchover-registry\",\"version\":1}\n"
                        + "{\"key\":\"/from/stdin\",\"values\":{\"x\":\"1\"}}\n";

        CliRun run = CliRun.withInput(body, command("import", "-"));

        assertThat(run.code()).as("%s", run).isZero();
        assertThat(run.out()).isEqualTo("imported 1 keys from standard input" + NL);
        assertThat(registry("get", "/from/stdin").lines()).containsExactly("x = 1");
    }

    @Test
    void import_badLine_invalidNamingTheLineAndWhatToDo() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(
                file,
                "{\"format\":\"switchover-registry\",\"version\":1}\n"
                        + "{\"key\":\"/ok\",\"values\":{}}\n"
                        + "{\"key\":\"/bad\",\"values\":{\"x\":true}}\n");

        CliRun run = registry("import", file);

        assertThat(run.code()).as("%s", run).isEqualTo(8);
        assertThat(run.err())
                .isEqualTo(
                        "switchoverctl: "
                                + file
                                + ", line 3: value 'x' must be a string, got boolean true; quote"
                                + " it; the keys before that line are written: fix the line and"
                                + " import again"
                                + NL);
        assertThat(server.registry().get("/ok")).isPresent();
    }

    @Test
    void import_noSuchFile_invalid() {
        CliRun run = registry("import", dir.resolve("missing.jsonl"));

        assertThat(run.code()).as("%s", run).isEqualTo(8);
        assertThat(run.err()).contains("no file " + dir.resolve("missing.jsonl") + " to import");
    }

    // ---------------------------------------------------------------- watch

    @Test
    void watch_printsChangesUntilTheDaemonEndsIt() throws Exception {
        CompletableFuture<CliRun> watching =
                CompletableFuture.supplyAsync(() -> registry("watch", "/Site"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().watchCount() == 1);

        server.registry().put("/Site/Line1", values("speed", "9600", "note", "two words"));
        server.registry().put("/Elsewhere", Map.of());
        server.registry().deleteValue("/Site/Line1", "note");
        server.registry().deleteKey("/Site");
        server.registry().closeWatches("the registry is closing");
        CliRun run = watching.get(10, TimeUnit.SECONDS);

        assertThat(run.code()).as("%s", run).isEqualTo(9);
        assertThat(run.lines())
                .containsExactly(
                        "1 PUT /Site/Line1 note=\"two words\" speed=9600",
                        "3 DELETE_VALUE /Site/Line1 note",
                        "4 DELETE_KEY /Site");
        assertThat(run.err())
                .isEqualTo(
                        "watching /Site; Ctrl-C stops"
                                + NL
                                + "switchoverctl: the daemon ended the watch: the registry is"
                                + " closing; run the command again to watch again"
                                + NL);
    }

    @Test
    void watch_json_oneChangePerLine() throws Exception {
        CompletableFuture<CliRun> watching =
                CompletableFuture.supplyAsync(() -> registry("watch", "--json"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().watchCount() == 1);

        server.registry().put("/a", values("x", "1"));
        server.registry().closeWatches("done");
        CliRun run = watching.get(10, TimeUnit.SECONDS);

        JsonNode change = JSON.readTree(run.lines().get(0));
        assertThat(change.path("seq").asLong()).isEqualTo(1);
        assertThat(change.path("kind").asText()).isEqualTo("PUT");
        assertThat(change.path("key").asText()).isEqualTo("/a");
        assertThat(change.path("values").toString()).isEqualTo("{\"x\":\"1\"}");
    }

    @Test
    void watch_daemonStops_endsSayingSo() throws Exception {
        CompletableFuture<CliRun> watching =
                CompletableFuture.supplyAsync(() -> registry("watch", "/"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().watchCount() == 1);

        server.close();
        CliRun run = watching.get(10, TimeUnit.SECONDS);

        assertThat(run.code()).as("%s", run).isEqualTo(9);
        assertThat(run.err())
                .contains("the daemon ended the watch: the admin API is shutting down");
    }

    // ---------------------------------------------------------------- finding the daemon

    @Test
    void noDaemon_unreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        CliRun run =
                CliRun.of(
                        "--url",
                        "http://127.0.0.1:" + port + "/",
                        "--token-file",
                        server.tokenFile(),
                        "registry",
                        "ls");

        assertThat(run.code()).as("%s", run).isEqualTo(3);
        assertThat(run.err()).contains("is switchoverd running?");
    }

    @Test
    void wrongToken_authentication() throws Exception {
        Path token = dir.resolve("wrong.token");
        Files.writeString(token, "not-the-token", StandardCharsets.US_ASCII);

        CliRun run = CliRun.of("--url", server.url(), "--token-file", token, "registry", "ls");

        assertThat(run.code()).as("%s", run).isEqualTo(4);
        assertThat(run.err())
                .contains("the daemon refused the token: wrong token; the token is in");
    }

    @Test
    void registryWithoutSubcommand_usageListsThem() {
        CliRun run = registry();

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err())
                .contains(
                        "registry needs a subcommand: get, put, delete, ls, watch, export or import");
    }
}
