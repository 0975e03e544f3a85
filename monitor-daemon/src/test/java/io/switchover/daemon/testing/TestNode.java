package io.switchover.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.state.State;
import io.switchover.daemon.Daemon;
import io.switchover.daemon.config.ConfigLoader;
import io.switchover.daemon.config.DaemonConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One node of a {@link TestPair}: its configuration file, its monitored module (a port the test
 * closes to make the module fail) and, once started, a real {@link Daemon} in this JVM with its
 * admin API on a loopback port.
 */
public final class TestNode implements AutoCloseable {
    /** The longest a test waits for a daemon to reach a state (a takeover takes about 2 s). */
    public static final Duration STATE_CHANGE = Duration.ofSeconds(20);

    private static final Duration POLL = Duration.ofMillis(50);
    private static final String HOOK_RECORD_END = "-- end";
    private static final Pattern HOOK_VARIABLE = Pattern.compile("SWITCHOVER_[A-Z_]+=.*");

    private final NodeYaml yaml;
    private final Path configFile;
    private final Path home;
    private final AnsweringPort module;
    private volatile Daemon daemon;

    /** Started and not stopped since: a stopped node may start again over the same data. */
    private volatile boolean running;

    TestNode(NodeYaml yaml, Path configFile, AnsweringPort module) {
        this.yaml = yaml;
        this.configFile = configFile;
        this.home = configFile.resolveSibling(yaml.id());
        this.module = module;
    }

    public String id() {
        return yaml.id();
    }

    public Path configFile() {
        return configFile;
    }

    /** {@code node.data-dir}: holds {@code admin.token} and the event history. */
    public Path dataDir() {
        return configFile.resolveSibling(yaml.dataDir());
    }

    /** The monitored module of this node: close it to make the module fail here. */
    public AnsweringPort module() {
        return module;
    }

    /** The port of {@code notifier.listen}, on 127.0.0.1. */
    public int notifierPort() {
        return yaml.notifierPort();
    }

    /** {@code http://127.0.0.1:port/}, whether or not the daemon runs. */
    public URI adminUrl() {
        return URI.create("http://127.0.0.1:" + yaml.adminPort() + "/");
    }

    /** Loads the configuration file, as switchoverd does, and starts the daemon in this JVM. */
    public TestNode start() throws Exception {
        if (running) {
            throw new IllegalStateException(id() + " is already started");
        }
        running = true;
        DaemonConfig config = ConfigLoader.load(configFile).orElseThrow();
        try {
            daemon = Daemon.start(config, TestPair.RELEASE);
        } catch (Exception | Error e) {
            running = false;
            throw e;
        }
        return this;
    }

    /** The running daemon. */
    public Daemon daemon() {
        Daemon d = daemon;
        if (d == null) {
            throw new IllegalStateException(id() + " is not started");
        }
        return d;
    }

    /** Clean shutdown, as on SIGTERM; does nothing if the daemon is not running. */
    public void stop() {
        Daemon d = daemon;
        if (d != null) {
            d.close();
        }
        running = false;
    }

    /** The admin API, with the daemon's token. */
    public AdminHttp admin() {
        return new AdminHttp(adminUrl(), Optional.of(daemon().token().value()));
    }

    public State state() {
        return daemon().currentState();
    }

    /** GET /status. */
    public JsonNode status() {
        return admin().getJson("status");
    }

    /** GET /events: every recorded event, oldest first. */
    public List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        admin().getJson("events?limit=1000").path("events").forEach(out::add);
        return out;
    }

    /** The recorded transitions, oldest first. */
    public List<JsonNode> transitions() {
        return events().stream().filter(e -> e.path("type").asText().equals("transition")).toList();
    }

    /** The latest recorded transition. */
    public JsonNode lastTransition() {
        List<JsonNode> t = transitions();
        assertThat(t).as("%s's transitions", id()).isNotEmpty();
        return t.get(t.size() - 1);
    }

    /** Waits until the daemon is in one of {@code states}; fails with its explanation if not. */
    public void awaitState(State... states) {
        await(id() + " in " + Arrays.toString(states))
                .atMost(STATE_CHANGE)
                .pollInterval(POLL)
                .untilAsserted(
                        () ->
                                assertThat(state())
                                        .as(() -> id() + ": " + explanation())
                                        .isIn(states));
    }

    /**
     * Waits until this node is a backup that watches its primary: in a backup state other than
     * RECONNECTING, with a successful notifier ping on the main connection answered after it
     * entered that state. The ping goes out a ping delay after the node announced itself, on the
     * same connection, so by then the primary has also learnt that it has a backup.
     */
    public void awaitWatching() {
        await(id() + " watching its primary")
                .atMost(STATE_CHANGE)
                .pollInterval(POLL)
                .untilAsserted(
                        () -> {
                            State s = state();
                            assertThat(s.isBackup() && s != State.RECONNECTING)
                                    .as(() -> id() + " is " + s + ": " + explanation())
                                    .isTrue();
                            Instant entered = Instant.parse(lastTransition().path("time").asText());
                            JsonNode main = status().path("pings").path("main");
                            assertThat(main.path("outcome").asText())
                                    .as("%s's last main ping: %s", id(), main)
                                    .isEqualTo("SUCCESS");
                            assertThat(Instant.parse(main.path("at").asText()))
                                    .as("%s's last main ping: %s", id(), main)
                                    .isAfter(entered);
                        });
    }

    private String explanation() {
        Object node = daemon().status().get("node");
        return node instanceof Map<?, ?> m ? String.valueOf(m.get("explanation")) : "?";
    }

    /** The file the recording hook appends to (see {@link TestPair.Builder#recordHooks()}). */
    Path hookLog() {
        return home.resolve("hooks.log");
    }

    Path home() {
        return home;
    }

    /**
     * The hook runs recorded so far, in the order they ran, each as its {@code SWITCHOVER_*}
     * environment. A run still being written is not included.
     */
    public List<Map<String, String>> hookRuns() {
        List<String> lines;
        try {
            lines =
                    Files.exists(hookLog())
                            ? Files.readAllLines(hookLog(), StandardCharsets.UTF_8)
                            : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Map<String, String>> runs = new ArrayList<>();
        Map<String, String> run = new LinkedHashMap<>();
        String last = null;
        for (String line : lines) {
            if (line.equals(HOOK_RECORD_END)) {
                runs.add(run);
                run = new LinkedHashMap<>();
                last = null;
            } else if (HOOK_VARIABLE.matcher(line).matches()) {
                int eq = line.indexOf('=');
                last = line.substring(0, eq);
                run.put(last, line.substring(eq + 1));
            } else if (last != null) {
                // A value spanning lines.
                run.merge(last, "\n" + line, String::concat);
            }
        }
        return runs;
    }

    /** The body of the recording hook: its environment, then the end marker, appended. */
    String recordingHookBody() {
        return "{ env | grep '^SWITCHOVER_' | sort; echo '"
                + HOOK_RECORD_END
                + "'; } >> '"
                + hookLog()
                + "'";
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return id();
    }
}
