package io.switchover.it.bed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One node of the pair on the bed: the packaged daemon running in its own network namespace, with
 * its own address, data directory and configuration (written by the bed).
 *
 * <p>The test JVM, in the root namespace, cannot reach the admin API (bound to the namespace's
 * loopback). It reads the node in two ways that need no route: the durable event history the daemon
 * writes to its data directory (the filesystem is shared; this is what the scenarios poll, at no
 * cost), and {@code ip netns exec NS switchoverctl status --json} for the live status (a JVM start
 * per call, so used sparingly).
 */
public final class BedNode {
    public static final int NOTIFIER_PORT = 7400;
    public static final int ADMIN_PORT = 7480;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final String namespace;
    private final String address;
    private final Path dir;
    private final Distribution dist;
    private Process process;
    private String release;
    private Path moduleCommand;
    private Path mirrored;
    private Path peerMirrored;
    private boolean adminOnAllAddresses;
    private String mirrorTiming = "";

    BedNode(String id, String namespace, String address, Path dir, Distribution dist) {
        this.id = id;
        this.namespace = namespace;
        this.address = address;
        this.dir = dir;
        this.dist = dist;
    }

    public String id() {
        return id;
    }

    public String namespace() {
        return namespace;
    }

    public String address() {
        return address;
    }

    Path configFile() {
        return dir.resolve(id + ".yaml");
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    /** The admin API's bearer token, written by the daemon on its first start. */
    public Path adminToken() {
        return dataDir().resolve("admin.token");
    }

    /** The admin API as reached from the other namespaces (see {@link #exposeAdminApi()}). */
    public String adminUrl() {
        return "http://" + address + ":" + ADMIN_PORT + "/";
    }

    public Path logFile() {
        return dir.resolve(id + ".out");
    }

    void writeConfig(
            int rank, BedNode peer, String nettestAddress, Path secret, FastProfile profile)
            throws IOException {
        // The module is this node's own admin port: up exactly while the daemon runs (as in the
        // demo). Probes are real ICMP: the suite runs as root.
        String yaml =
                """
                # written by the src-it test bed
                cluster: it
                node:
                  id: %s
                  tie-break-rank: %d
                  data-dir: data
                %speer:
                  id: %s
                  host: %s
                  host-ping-timeout: %s
                  notifier-port: %d
                notifier:
                  listen: %s:%d
                  secret-file: %s
                  handshake-timeout: 3s
                  keepalive-interval: 200ms
                  idle-timeout: 1s
                  reconnect-initial: 50ms
                  reconnect-max: 500ms
                module:
                  name: it-app
                  check:
                %s
                  ping-interval: 200ms
                  ping-timeout: 500ms
                  retry-delay: 100ms
                  max-failures: 2
                  monitor-poll-interval: 1s
                nettest:
                  addresses: [%s]
                  timeout: %s
                probe:
                  mode: icmp
                admin:
                  listen: %s:%d
                logging:
                  dir: data/log
                %s"""
                                .formatted(
                                        id,
                                        rank,
                                        release == null ? "" : "  release: \"" + release + "\"\n",
                                        peer.id,
                                        peer.address,
                                        FastProfile.ms(profile.hostPingTimeout()),
                                        NOTIFIER_PORT,
                                        address,
                                        NOTIFIER_PORT,
                                        secret,
                                        moduleCommand == null
                                                ? "    type: tcp\n    target: 127.0.0.1:"
                                                        + ADMIN_PORT
                                                : "    type: command\n    command: ["
                                                        + moduleCommand
                                                        + "]",
                                        nettestAddress,
                                        FastProfile.ms(profile.nettestTimeout()),
                                        adminOnAllAddresses ? "0.0.0.0" : "127.0.0.1",
                                        ADMIN_PORT,
                                        mirrorYaml())
                        + profile.yaml();
        Files.createDirectories(dir);
        Files.writeString(configFile(), yaml);
        this.rank = rank;
        this.peer = peer;
        this.nettestAddress = nettestAddress;
        this.secret = secret;
        this.profile = profile;
    }

    private int rank;
    private BedNode peer;
    private String nettestAddress;
    private Path secret;
    private FastProfile profile;

    /**
     * Rewrites the configuration with {@code node.release} set: the release this node announces
     * (the upgrade states). Call before {@link #start()}.
     */
    public void setRelease(String release) throws IOException {
        this.release = release;
        writeConfig(rank, peer, nettestAddress, secret, profile);
    }

    /**
     * Rewrites the configuration with a {@code command} module check: the module is up while the
     * executable {@code command} exits 0. Call before {@link #start()}.
     */
    public void setModuleCommand(Path command) throws IOException {
        this.moduleCommand = command;
        writeConfig(rank, peer, nettestAddress, secret, profile);
    }

    /**
     * Rewrites the configuration with one continuous, recursive mirrored directory: {@code
     * directory} on this node, whose copy on the peer is {@code peerDirectory}. Both nodes share
     * the machine, so each names the other's path as {@code target}. Call before {@link #start()}.
     */
    public void setContinuousMirror(Path directory, Path peerDirectory) throws IOException {
        this.mirrored = directory;
        this.peerMirrored = peerDirectory;
        writeConfig(rank, peer, nettestAddress, secret, profile);
    }

    /**
     * Rewrites the configuration with the admin API on every address of the namespace, so a client
     * in another namespace (the gateway's) reaches it at {@link #adminUrl()}; {@link #ctl} still
     * uses the loopback. Call before {@link #start()}.
     */
    public void exposeAdminApi() throws IOException {
        this.adminOnAllAddresses = true;
        writeConfig(rank, peer, nettestAddress, secret, profile);
    }

    /**
     * Rewrites the configuration with {@code mirror.quiet-period} and {@code mirror.max-delay}
     * (with {@link #setContinuousMirror}). Call before {@link #start()}.
     */
    public void setMirrorTiming(Duration quietPeriod, Duration maxDelay) throws IOException {
        this.mirrorTiming =
                "  quiet-period: %s\n  max-delay: %s\n"
                        .formatted(FastProfile.ms(quietPeriod), FastProfile.ms(maxDelay));
        writeConfig(rank, peer, nettestAddress, secret, profile);
    }

    private String mirrorYaml() {
        if (mirrored == null) {
            return "";
        }
        return """
                mirror:
                  continuous:
                    - path: +%s
                      target: %s
                """
                        .formatted(mirrored, peerMirrored)
                + mirrorTiming;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Starts the daemon in the namespace. {@code ip netns exec} execs its command and {@code
     * bin/switchoverd} execs java, so the process started here is the daemon's JVM itself: its pid
     * is the one {@link #kill9()} signals.
     */
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(id + " is already running, pid " + process.pid());
        }
        process =
                new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                namespace,
                                dist.switchoverd().toString(),
                                "--config",
                                configFile().toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                        .start();
    }

    /** SIGSTOP to the daemon's JVM (by pid): a hung process that keeps its sockets open. */
    public void sigstop() {
        signal("STOP");
    }

    /** SIGCONT to the daemon's JVM (by pid). */
    public void sigcont() {
        signal("CONT");
    }

    private void signal(String name) {
        Sh.run("kill", "-" + name, Long.toString(process.pid()));
    }

    /**
     * Runs a {@code switchoverctl} command (e.g. {@code rejoin}, {@code switch}) against this
     * node's admin API, inside its namespace; returns its output, throws if it exits non-zero.
     */
    public String ctl(String... command) {
        List<String> argv =
                new ArrayList<>(
                        List.of(
                                "ip",
                                "netns",
                                "exec",
                                namespace,
                                dist.switchoverctl().toString(),
                                "--url",
                                "http://127.0.0.1:" + ADMIN_PORT + "/",
                                "--data-dir",
                                dataDir().toString()));
        argv.addAll(List.of(command));
        Sh.Result result = Sh.tryRun(Duration.ofSeconds(30), argv);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    "switchoverctl "
                            + String.join(" ", command)
                            + " on "
                            + id
                            + " failed (exit "
                            + result.exitCode()
                            + "): "
                            + result.output());
        }
        return result.output();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL to the daemon's JVM (by pid), then waits for it to be gone. */
    public void kill9() {
        if (process == null) {
            return;
        }
        process.destroyForcibly(); // SIGKILL on Unix
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        id + " (pid " + process.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The daemon's event history so far, oldest first; empty before its first decision. */
    public List<Event> events() {
        Path file = dataDir().resolve("events.jsonl");
        List<Event> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                // The daemon may be writing the last line right now: skip a partial one.
                if (line.isBlank() || !line.endsWith("}")) {
                    continue;
                }
                try {
                    events.add(Event.of(JSON.readTree(line)));
                } catch (IOException partial) {
                    // an incomplete line; the next poll sees it whole
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
        return events;
    }

    /** The most recent state per the event history, or STARTING before any transition. */
    public String state() {
        List<Event> events = events();
        for (int i = events.size() - 1; i >= 0; i--) {
            if ("transition".equals(events.get(i).type())) {
                return events.get(i).to();
            }
        }
        return "STARTING";
    }

    public Optional<Event> firstTransitionTo(String state) {
        return events().stream().filter(e -> e.isTransitionTo(state)).findFirst();
    }

    /**
     * The live status, through the admin API inside the namespace: {@code ip netns exec NS
     * switchoverctl --url http://127.0.0.1:PORT/ --data-dir DIR status --json}.
     */
    public JsonNode status() {
        Sh.Result result =
                Sh.tryRun(
                        Duration.ofSeconds(20),
                        List.of(
                                "ip",
                                "netns",
                                "exec",
                                namespace,
                                dist.switchoverctl().toString(),
                                "--url",
                                "http://127.0.0.1:" + ADMIN_PORT + "/",
                                "--data-dir",
                                dataDir().toString(),
                                "status",
                                "--json"));
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    "switchoverctl status on " + id + " failed: " + result.output());
        }
        try {
            return JSON.readTree(result.output());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "status of " + id + " is not JSON: " + result.output(), e);
        }
    }

    /** The last lines of the daemon's console output, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return id + "@" + address + " in " + namespace;
    }
}
