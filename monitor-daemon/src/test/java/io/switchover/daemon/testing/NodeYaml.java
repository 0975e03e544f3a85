package io.switchover.daemon.testing;

import io.switchover.daemon.hooks.HookEvent;
import io.switchover.daemon.hooks.HookRole;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration file of one node of a {@link TestPair}: the fast profile of {@code
 * config/demo}, on loopback ports the pair chose, with TCP probes (no root needed). Paths are
 * written relative to the file, so the pair's directory holds everything.
 *
 * <p>Timeouts are generous where only a healthy pair would hit them (a ping's or a module check's
 * timeout), so that a slow build machine does not produce spurious transitions; what the tests
 * provoke (a refused connection, a closed socket) fails at once whatever the timeouts.
 */
public final class NodeYaml {

    /**
     * The key of {@code node} that orders the two nodes when they start together. The core is about
     * to rename it ({@code tie-break-rank}, 0 or 1, rank 0 wins): that rename changes this line and
     * nothing else in the tests.
     */
    public static final String TIE_BREAK_KEY = "tie-break-rank";

    private final String id;
    private final String peerId;
    private int tieBreak;
    private int notifierPort;
    private int peerNotifierPort;
    private int adminPort;
    private String moduleTarget;
    private String peerHostProbe;
    private Optional<String> release = Optional.empty();
    private String startupWindow;
    private Optional<String> registryDurability = Optional.empty();
    private final Map<String, List<Path>> hooks = new LinkedHashMap<>();
    private final List<String> mirror = new ArrayList<>();
    private final List<String> snmp = new ArrayList<>();

    NodeYaml(String id, String peerId) {
        this.id = id;
        this.peerId = peerId;
    }

    /** The node's place in the tie-break: 0 for node-a, 1 for node-b. */
    public NodeYaml tieBreak(int value) {
        this.tieBreak = value;
        return this;
    }

    NodeYaml ports(int notifier, int peerNotifier, int admin) {
        this.notifierPort = notifier;
        this.peerNotifierPort = peerNotifier;
        this.adminPort = admin;
        return this;
    }

    /** The module is up while something accepts connections at {@code hostPort}. */
    NodeYaml moduleTarget(String hostPort) {
        this.moduleTarget = hostPort;
        return this;
    }

    /** The peer's host "answers" while something accepts connections at {@code hostPort}. */
    NodeYaml peerHostProbe(String hostPort) {
        this.peerHostProbe = hostPort;
        return this;
    }

    /** {@code node.release}: the release this node announces instead of the build's. */
    public NodeYaml release(String value) {
        this.release = Optional.of(value);
        return this;
    }

    /** {@code registry.durability}: {@code fsync} (the default) or {@code write}. */
    public NodeYaml registryDurability(String value) {
        this.registryDurability = Optional.of(value);
        return this;
    }

    /**
     * The {@code mirror} section's lines (indented as under {@code mirror:}), e.g. {@code
     * "continuous: ['+/tmp/x/a']"}.
     */
    public NodeYaml mirror(String... lines) {
        mirror.addAll(List.of(lines));
        return this;
    }

    /**
     * The {@code snmp} section's lines (indented as under {@code snmp:}), e.g. {@code "receivers:
     * [{address: '127.0.0.1:1162', version: v2c, community-file: community}]"}.
     */
    public NodeYaml snmp(String... lines) {
        snmp.addAll(List.of(lines));
        return this;
    }

    /** {@code startup.window}, e.g. {@code 1s}. */
    public NodeYaml startupWindow(String value) {
        this.startupWindow = value;
        return this;
    }

    /** Adds {@code script} to the hooks run on {@code event} of {@code role}. */
    public NodeYaml hook(HookEvent event, HookRole role, Path script) {
        hooks.computeIfAbsent(event.configKey(role), k -> new ArrayList<>()).add(script);
        return this;
    }

    public String id() {
        return id;
    }

    public int adminPort() {
        return adminPort;
    }

    public int notifierPort() {
        return notifierPort;
    }

    /** The data directory, relative to the file. */
    String dataDir() {
        return id + "/data";
    }

    /** The file's text. */
    public String text() {
        List<String> l = new ArrayList<>();
        l.add("cluster: test-pair");
        l.add("node:");
        l.add("  id: " + id);
        l.add("  " + TIE_BREAK_KEY + ": " + tieBreak);
        l.add("  data-dir: " + dataDir());
        release.ifPresent(r -> l.add("  release: " + r));
        l.add("peer:");
        l.add("  id: " + peerId);
        l.add("  host: 127.0.0.1");
        l.add("  host-ping-timeout: 500ms");
        l.add("  notifier-port: " + peerNotifierPort);
        l.add("notifier:");
        l.add("  listen: 127.0.0.1:" + notifierPort);
        l.add("  secret-file: secret");
        l.add("  handshake-timeout: 3s");
        l.add("  keepalive-interval: 200ms");
        l.add("  idle-timeout: 3s");
        l.add("  reconnect-initial: 50ms");
        l.add("  reconnect-max: 200ms");
        l.add("ping: {delay: 200ms, timeout: 2s, retry-max: 2}");
        l.add("module:");
        l.add("  name: test-app");
        l.add("  check: {type: tcp, target: " + moduleTarget + "}");
        l.add("  ping-interval: 200ms");
        l.add("  ping-timeout: 2s");
        l.add("  retry-delay: 100ms");
        l.add("  max-failures: 2");
        l.add("  monitor-poll-interval: 1s");
        l.add("reconnect: {attempts: 3, attempt-delay: 200ms, interval: 10s}");
        l.add("startup: {window: " + startupWindow + "}");
        l.add("handover: {timeout: 5s}");
        l.add("stall: {threshold: 2s}");
        l.add("probe: {mode: tcp, peer-host: 'tcp:" + peerHostProbe + "'}");
        l.add("hooks:");
        l.add("  timeout: 5s");
        hooks.forEach(
                (key, scripts) -> {
                    l.add("  " + key + ":");
                    scripts.forEach(s -> l.add("    - " + s));
                });
        if (!snmp.isEmpty()) {
            l.add("snmp:");
            snmp.forEach(line -> l.add("  " + line));
        }
        registryDurability.ifPresent(d -> l.add("registry: {durability: " + d + "}"));
        if (!mirror.isEmpty()) {
            l.add("mirror:");
            mirror.forEach(line -> l.add("  " + line));
        }
        l.add("admin: {listen: 127.0.0.1:" + adminPort + "}");
        l.add("logging: {dir: " + id + "/log}");
        return String.join("\n", l) + "\n";
    }
}
