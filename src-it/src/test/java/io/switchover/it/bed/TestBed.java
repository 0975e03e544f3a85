package io.switchover.it.bed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three test hosts as network namespaces, the pair's daemons on two of them, and the faults the
 * suite injects. Nothing of it lives in the root namespace: the veth pairs are created with both
 * ends already inside namespaces, so deleting the namespaces removes every interface and rule.
 *
 * <pre>
 *   ns so-it-a-PID-R               ns so-it-gw-PID-R                 ns so-it-b-PID-R
 *  +----------------+        +----------------------------+        +----------------+
 *  | node-a (rank 0)|        |  br0 10.213.7.1/24         |        | node-b (rank 1)|
 *  | eth0 10.213.7.2|--veth--| va ----+---- vb            |--veth--| eth0 10.213.7.3|
 *  | lo: admin 7480 |        |  (gateway / NetTest host)  |        | lo: admin 7480 |
 *  +----------------+        +----------------------------+        +----------------+
 * </pre>
 *
 * <p>The subnet exists only inside these namespaces (each has its own routing table), so two runs
 * never see each other's addresses and no test traffic leaves them.
 *
 * <p>Cleanup is layered: {@link #close()} (called by {@link TestBedExtension} after every test,
 * pass or fail), a JVM shutdown hook for the beds still open, and {@link #removeLeftovers()} at the
 * start of a run for namespaces of an earlier run whose JVM is gone (a kill -9 of Maven).
 */
public final class TestBed implements AutoCloseable {
    static final String PREFIX = "so-it-";
    private static final Pattern OURS = Pattern.compile("so-it-(?:a|b|gw)-(\\d+)-[a-z0-9]+");
    private static final String SUBNET = "10.213.7.";
    private static final Set<TestBed> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> OPEN.forEach(TestBed::close), "so-it-cleanup"));
    }

    private final String gw;
    private final BedNode a;
    private final BedNode b;
    private final FastProfile profile;
    private final List<String> namespaces = new ArrayList<>();

    private TestBed(Path dir, Distribution dist, FastProfile profile) {
        String run = ProcessHandle.current().pid() + "-" + randomSuffix();
        this.gw = PREFIX + "gw-" + run;
        this.a =
                new BedNode("node-a", PREFIX + "a-" + run, SUBNET + 2, dir.resolve("node-a"), dist);
        this.b =
                new BedNode("node-b", PREFIX + "b-" + run, SUBNET + 3, dir.resolve("node-b"), dist);
        this.profile = profile;
    }

    /**
     * Builds the three hosts and writes both nodes' configurations (nothing runs yet). On any
     * failure what was made is removed before the exception leaves.
     */
    public static TestBed create(Path dir, Distribution dist, FastProfile profile)
            throws IOException {
        TestBed bed = new TestBed(dir, dist, profile);
        OPEN.add(bed);
        try {
            bed.build(dir);
            return bed;
        } catch (RuntimeException | IOException e) {
            bed.close();
            throw e;
        }
    }

    private void build(Path dir) throws IOException {
        for (String ns : List.of(gw, a.namespace(), b.namespace())) {
            Sh.run("ip", "netns", "add", ns);
            namespaces.add(ns);
            Sh.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        Sh.run("ip", "-n", gw, "link", "add", "br0", "type", "bridge");
        Sh.run("ip", "-n", gw, "addr", "add", SUBNET + "1/24", "dev", "br0");
        Sh.run("ip", "-n", gw, "link", "set", "br0", "up");
        plug(a, "va");
        plug(b, "vb");

        Path secret = dir.resolve("secret");
        Files.createDirectories(dir);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Files.writeString(secret, java.util.Base64.getEncoder().encodeToString(key) + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        a.writeConfig(0, b, SUBNET + 1, secret, profile);
        b.writeConfig(1, a, SUBNET + 1, secret, profile);
    }

    /** A veth from the node's namespace (eth0) to the gateway's bridge (port {@code port}). */
    private void plug(BedNode node, String port) {
        Sh.run(
                "ip",
                "link",
                "add",
                "eth0",
                "netns",
                node.namespace(),
                "type",
                "veth",
                "peer",
                "name",
                port,
                "netns",
                gw);
        Sh.run("ip", "-n", gw, "link", "set", port, "master", "br0", "up");
        Sh.run("ip", "-n", node.namespace(), "addr", "add", node.address() + "/24", "dev", "eth0");
        Sh.run("ip", "-n", node.namespace(), "link", "set", "eth0", "up");
    }

    public BedNode a() {
        return a;
    }

    public BedNode b() {
        return b;
    }

    public FastProfile profile() {
        return profile;
    }

    /**
     * Starts node-a, waits until it is PRIMARY (fail-safe: no peer yet), then node-b, and waits
     * until it is BACKUP of node-a: the healthy pair every scenario starts from.
     */
    public void startPair() throws IOException {
        Duration boot = profile.startupWindow().plusSeconds(20);
        a.start();
        awaitState(a, "PRIMARY", boot, "node-a to become primary on its own");
        b.start();
        awaitState(b, "BACKUP", boot, "node-b to join as backup of node-a");
        // Both connections up and one routine ping answered: the monitor is armed.
        Poll.until(
                        Duration.ofSeconds(20),
                        () ->
                                statusOf(b)
                                        .filter(
                                                s ->
                                                        "up"
                                                                .equals(
                                                                        s.at("/connections/main")
                                                                                .asText()))
                                        .filter(s -> "up".equals(s.at("/connections/aux").asText()))
                                        .filter(
                                                s ->
                                                        "SUCCESS"
                                                                .equals(
                                                                        s.at("/pings/main/outcome")
                                                                                .asText())))
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "node-b's connections never came up\n" + b.logTail(30)));
    }

    private static Optional<com.fasterxml.jackson.databind.JsonNode> statusOf(BedNode node) {
        try {
            return Optional.of(node.status());
        } catch (IllegalStateException notYet) {
            return Optional.empty();
        }
    }

    /** Waits until {@code node}'s event history ends in {@code state}; fails with its log. */
    public static Instant awaitState(BedNode node, String state, Duration deadline, String what) {
        Function<String, AssertionError> failure =
                why ->
                        new AssertionError(
                                why
                                        + " waiting for "
                                        + what
                                        + ": "
                                        + node.id()
                                        + " is "
                                        + node.state()
                                        + ", events:\n  "
                                        + String.join(
                                                "\n  ",
                                                node.events().stream()
                                                        .map(Event::toString)
                                                        .toList())
                                        + "\nlog tail:\n"
                                        + node.logTail(30));
        return Poll.until(
                        deadline,
                        () -> {
                            if (!node.isRunning()) {
                                throw failure.apply("the daemon exited");
                            }
                            return node.state().equals(state)
                                    ? node.firstTransitionTo(state).map(Event::time)
                                    : Optional.<Instant>empty();
                        })
                .orElseThrow(() -> failure.apply("timed out after " + deadline));
    }

    // ---- faults -------------------------------------------------------------------------------

    /** The node's link to the bridge goes down (seen from the gateway: its bridge port). */
    public void linkDown(BedNode node) {
        Sh.run("ip", "-n", gw, "link", "set", node == a ? "va" : "vb", "down");
    }

    /** The node's link to the bridge comes back up (its bridge port in the gateway). */
    public void linkUp(BedNode node) {
        Sh.run("ip", "-n", gw, "link", "set", node == a ? "va" : "vb", "up");
    }

    /** The gateway's namespace (the NetTest host), where clients of both nodes can run. */
    public String gatewayNamespace() {
        return gw;
    }

    /** The other node of the pair. */
    public BedNode peerOf(BedNode node) {
        return node == a ? b : a;
    }

    /**
     * Inside the node's namespace, drops every TCP segment to or from the notifier port (its own
     * server and its connections to the peer's), in both directions; ICMP still passes.
     */
    public void blockNotifierPorts(BedNode node) {
        String port = Integer.toString(BedNode.NOTIFIER_PORT);
        for (String chain : List.of("INPUT", "OUTPUT")) {
            for (String dir : List.of("--dport", "--sport")) {
                Sh.run(
                        "ip",
                        "netns",
                        "exec",
                        node.namespace(),
                        "iptables",
                        "-w",
                        "5",
                        "-A",
                        chain,
                        "-p",
                        "tcp",
                        dir,
                        port,
                        "-j",
                        "DROP");
            }
        }
    }

    // ---- cleanup ------------------------------------------------------------------------------

    /**
     * Kills both daemons (by pid), anything else still running in our namespaces (a timed-out
     * switchoverctl), flushes our iptables rules and deletes the namespaces, which removes the
     * veths and the bridge with them. Safe to call twice; never throws.
     */
    @Override
    public void close() {
        if (!OPEN.remove(this)) {
            return;
        }
        for (BedNode node : List.of(a, b)) {
            try {
                node.kill9();
            } catch (RuntimeException e) {
                System.err.println("so-it cleanup: " + e.getMessage());
            }
        }
        for (String ns : namespaces) {
            removeNamespace(ns);
        }
    }

    private static void removeNamespace(String ns) {
        Sh.Result pids = Sh.tryRun(Sh.DEFAULT_TIMEOUT, List.of("ip", "netns", "pids", ns));
        if (pids.exitCode() == 0) {
            for (String pid : pids.output().trim().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        Sh.tryRun(
                Sh.DEFAULT_TIMEOUT,
                List.of("ip", "netns", "exec", ns, "iptables", "-w", "5", "-F"));
        Sh.Result del = Sh.tryRun(Sh.DEFAULT_TIMEOUT, List.of("ip", "netns", "del", ns));
        if (del.exitCode() != 0) {
            System.err.println(
                    "so-it cleanup: could not delete namespace " + ns + ": " + del.output());
        }
    }

    /**
     * Removes namespaces of earlier runs of this suite whose JVM is gone (the pid is part of the
     * name), with the daemons still running in them. A concurrent run's namespaces are left alone:
     * their JVM is alive.
     */
    public static List<String> removeLeftovers() {
        List<String> removed = new ArrayList<>();
        for (String line : Sh.run("ip", "netns", "list").split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            Matcher m = OURS.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                removeNamespace(ns);
                removed.add(ns);
            }
        }
        return removed;
    }

    /** Our namespaces that exist right now (for the final check that nothing is left). */
    public static List<String> namespacesOfThisJvm() {
        String mine = PREFIX;
        String pid = "-" + ProcessHandle.current().pid() + "-";
        List<String> found = new ArrayList<>();
        for (String line : Sh.run("ip", "netns", "list").split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            if (ns.startsWith(mine) && ns.contains(pid)) {
                found.add(ns);
            }
        }
        return found;
    }

    private static String randomSuffix() {
        return Long.toString(
                ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36),
                36);
    }
}
