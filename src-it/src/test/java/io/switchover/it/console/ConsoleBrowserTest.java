package io.switchover.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchover.it.bed.Distribution;
import io.switchover.it.bed.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web console in a real browser against two real daemons: the packaged {@code switchoverd} run
 * twice on loopback (different ports, no namespaces needed), and {@code src-it/browser/
 * console.test.mjs} driving Debian's chromium headless through Playwright: a wrong token refused
 * with its message, the right one logged in, both nodes shown with their roles, "Switch over"
 * confirmed, the roles swapped on the page. The test then checks the swap in both daemons' own
 * event histories. Screenshots go to {@code src-it/target/console-screenshots/}.
 *
 * <p>Skipped, loudly, without {@code node}, chromium or {@code src-it/browser/node_modules} ({@code
 * .ci/run} installs chromium and runs {@code npm ci}).
 */
class ConsoleBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STATE_CHANGE = Duration.ofSeconds(30);
    private static final Path BROWSER_DIR = srcIt().resolve("browser");
    private static final Path SCREENSHOTS = srcIt().resolve("target/console-screenshots");

    private final List<Process> daemons = new ArrayList<>();
    private String chromium;
    private Path dir;

    @BeforeEach
    void prerequisites() throws IOException {
        chromium = Optional.ofNullable(System.getenv("CHROMIUM")).orElse("/usr/bin/chromium");
        List<String> missing = new ArrayList<>();
        if (!onPath("node")) {
            missing.add("`node` on the PATH");
        }
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add("chromium at " + chromium + " (apt-get install chromium)");
        }
        if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
            missing.add("playwright-core (run `npm ci` in " + BROWSER_DIR + ")");
        }
        if (!missing.isEmpty()) {
            String message =
                    "SKIPPING the web console's browser test: it needs "
                            + String.join(", ", missing)
                            + ". `.ci/run` installs them.";
            System.err.println("\n!!!!! " + message + "\n");
            Assumptions.abort(message);
        }
        dir = Files.createTempDirectory("so-it-console-");
    }

    @AfterEach
    void stopDaemons() throws InterruptedException {
        for (Process p : daemons) {
            p.destroy(); // SIGTERM: a clean stop
        }
        for (Process p : daemons) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void browser_loginSeeBothNodesSwitchOver_rolesSwap() throws Exception {
        Distribution dist = Distribution.locate();
        int[] ports = freePorts(4);
        Path secret = dir.resolve("secret");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(secret, Base64.getEncoder().encodeToString(key) + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path a = writeConfig("node-a", 0, "node-b", ports[0], ports[1], ports[2], secret);
        Path b = writeConfig("node-b", 1, "node-a", ports[2], ports[3], ports[0], secret);

        start(dist, a);
        awaitState("node-a", "PRIMARY");
        start(dist, b);
        awaitState("node-b", "BACKUP");

        Files.createDirectories(SCREENSHOTS);
        ProcessBuilder node =
                new ProcessBuilder("node", "console.test.mjs")
                        .directory(BROWSER_DIR.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("browser.out").toFile());
        node.environment().put("CONSOLE_URL", "http://127.0.0.1:" + ports[1] + "/console/");
        node.environment().put("TOKEN_FILE", dir.resolve("node-a/data/admin.token").toString());
        node.environment().put("SCREENSHOTS", SCREENSHOTS.toString());
        node.environment().put("CHROMIUM", chromium);
        long started = System.nanoTime();
        Process browser = node.start();
        boolean ended = browser.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        String output = Files.readString(dir.resolve("browser.out"), StandardCharsets.UTF_8);
        System.out.println(output);
        System.out.println(
                "[switchover-it] web console in chromium: "
                        + (ended && browser.exitValue() == 0 ? "passed" : "FAILED")
                        + " in "
                        + millis
                        + " ms; screenshots in "
                        + SCREENSHOTS);

        assertThat(ended).as("the browser script ended within 3 minutes:\n%s", output).isTrue();
        assertThat(browser.exitValue()).as("browser script:\n%s", output).isZero();
        assertThat(output)
                .contains("wrong token refused")
                .contains("both nodes shown: node-a PRIMARY, node-b BACKUP")
                .contains("roles swapped: node-a BACKUP, node-b PRIMARY")
                .contains("console-test: ok");
        // The swap happened in the daemons, not just on the page.
        assertThat(lastState("node-b")).isEqualTo("PRIMARY");
        awaitState("node-a", "BACKUP");
        assertThat(SCREENSHOTS.resolve("04-switched.png")).exists();
    }

    private Path writeConfig(
            String id,
            int rank,
            String peer,
            int notifier,
            int admin,
            int peerNotifier,
            Path secret)
            throws IOException {
        // Like config/demo: the module is this node's own admin port (up while the daemon runs),
        // and probes are TCP (no root needed for ICMP).
        String yaml =
                """
                # written by ConsoleBrowserTest
                cluster: console-it
                node:
                  id: %1$s
                  tie-break-rank: %2$d
                  data-dir: %1$s/data
                peer:
                  id: %3$s
                  host: 127.0.0.1
                  host-ping-timeout: 200ms
                  notifier-port: %6$d
                notifier:
                  listen: 127.0.0.1:%4$d
                  secret-file: %7$s
                  handshake-timeout: 3s
                  keepalive-interval: 200ms
                  idle-timeout: 1s
                  reconnect-initial: 50ms
                  reconnect-max: 500ms
                ping:
                  delay: 200ms
                  timeout: 500ms
                  retry-max: 2
                module:
                  name: console-it-app
                  check:
                    type: tcp
                    target: 127.0.0.1:%5$d
                  ping-interval: 200ms
                  ping-timeout: 500ms
                  retry-delay: 100ms
                  max-failures: 2
                  monitor-poll-interval: 1s
                reconnect:
                  attempts: 3
                  attempt-delay: 200ms
                  interval: 3s
                startup:
                  window: 6s
                handover:
                  timeout: 5s
                stall:
                  threshold: 1s
                probe:
                  mode: tcp
                  peer-host: tcp:127.0.0.1:%5$d
                admin:
                  listen: 127.0.0.1:%5$d
                logging:
                  dir: %1$s/log
                """
                        .formatted(id, rank, peer, notifier, admin, peerNotifier, secret);
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private void start(Distribution dist, Path config) throws IOException {
        String id = config.getFileName().toString().replace(".yaml", "");
        daemons.add(
                new ProcessBuilder(dist.switchoverd().toString(), "--config", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve(id + ".out").toFile())
                        .start());
    }

    private void awaitState(String id, String state) {
        Optional<String> reached =
                Poll.until(STATE_CHANGE, () -> Optional.of(lastState(id)).filter(state::equals));
        if (reached.isEmpty()) {
            throw new AssertionError(
                    id
                            + " did not become "
                            + state
                            + " within "
                            + STATE_CHANGE
                            + "; it is "
                            + lastState(id)
                            + "; log: "
                            + dir.resolve(id + ".out"));
        }
    }

    /** The node's state per its durable event history; STARTING before its first transition. */
    private String lastState(String id) {
        Path events = dir.resolve(id + "/data/events.jsonl");
        String state = "STARTING";
        if (!Files.exists(events)) {
            return state;
        }
        try {
            for (String line : Files.readAllLines(events)) {
                if (!line.endsWith("}")) {
                    continue; // being written
                }
                JsonNode e = JSON.readTree(line);
                if ("transition".equals(e.path("type").asText())) {
                    state = e.path("to").asText();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + events + ": " + e, e);
        }
        return state;
    }

    private static int[] freePorts(int count) throws IOException {
        // All open at once, so the ports differ; closed before the daemons bind them.
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static boolean onPath(String command) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** The src-it module's directory (the tests run in it, or in the repository's root). */
    private static Path srcIt() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("browser")) || here.endsWith("src-it")
                ? here
                : here.resolve("src-it");
    }
}
