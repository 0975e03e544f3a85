package io.switchover.daemon.config;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.mirror.DirectorySpec;
import io.switchover.daemon.hooks.HookSettings;
import io.switchover.daemon.probe.ProbeMode;
import io.switchover.daemon.probe.ProbeTarget;
import io.switchover.daemon.snmp.SnmpSettings;
import io.switchover.notifier.handshake.PeerPolicy;
import io.switchover.notifier.transport.Backoff;
import io.switchover.notifier.transport.NotifierSettings;
import io.switchover.notifier.transport.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated daemon configuration, as loaded by {@link ConfigLoader}: a tree of records, one per
 * section of the file, plus the core's {@link CoreConfig}.
 *
 * <p>Each value lives in exactly one place. The core's parameters (including {@code node.id},
 * {@code peer.host} and every key of the {@code ping}, {@code reconnect}, {@code
 * unreachable-primary}, {@code startup}, {@code gateway-ping}, {@code nettest}, {@code handover}
 * and {@code stall} sections, and {@code module}'s timings) are in {@link #core()}; the sections
 * here hold only what the daemon itself uses. A few accessors below join the two where the wiring
 * needs both.
 *
 * <p>Every path is absolute: relative paths in the file were resolved against the file's directory.
 *
 * @param file the configuration file (absolute), for logs and {@code switchoverctl}
 * @param cluster the pair's name, identical on both nodes; the notifier handshake checks it
 */
public record DaemonConfig(
        Path file,
        String cluster,
        Node node,
        Peer peer,
        Notifier notifier,
        Module module,
        Probe probe,
        HookSettings hooks,
        SnmpSettings snmp,
        Registry registry,
        Mirror mirror,
        Admin admin,
        Logging logging,
        CoreConfig core) {

    public DaemonConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(notifier, "notifier");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(snmp, "snmp");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(mirror, "mirror");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(core, "core");
    }

    /**
     * The daemon's keys of {@code node} ({@code id} and {@code tie-break-rank} are the core's).
     *
     * @param dataDir durable state: generation, registry store, event history, admin token, lock
     * @param release overrides the build's release in the handshake, to rehearse a staged upgrade
     *     (the upgrade states) with one build
     */
    public record Node(Path dataDir, Optional<String> release) {
        public Node {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(release, "release");
        }
    }

    /**
     * The daemon's keys of {@code peer} ({@code host} and {@code host-ping-timeout} are the
     * core's).
     *
     * @param id the only node id accepted on the notifier; never this node's id
     * @param notifierPort the port of the peer's notifier, on {@code peer.host}
     */
    public record Peer(String id, int notifierPort) {
        public Peer {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * The notifier (peer protocol) endpoint. At least one of {@code secret} and {@code tls} is
     * present.
     *
     * @param listen where this node's notifier server accepts the peer's connections
     * @param secret the shared secret for HMAC challenge-response authentication
     * @param tls mutual TLS with the pair's CA
     * @param maxFrameBytes the largest frame accepted after authentication
     */
    public record Notifier(
            HostPort listen,
            Optional<SharedSecret> secret,
            Optional<TlsSettings> tls,
            int maxFrameBytes,
            Duration handshakeTimeout,
            Duration keepaliveInterval,
            Duration idleTimeout,
            Backoff reconnect) {
        public Notifier {
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(reconnect, "reconnect");
        }
    }

    /**
     * The daemon's keys of {@code module} (its ping timings are the core's).
     *
     * @param name the monitored module's name, as shown in logs and status (source: Switchover
     *     Monitoring)
     * @param check how the primary's daemon asks the module whether it is up
     */
    public record Module(String name, ModuleCheck check) {
        public Module {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(check, "check");
        }
    }

    /**
     * How network probes are sent.
     *
     * @param tcpPort the port of TCP probes of plain addresses
     * @param peerHost how to probe {@code peer.host}, when not like any other address
     */
    public record Probe(ProbeMode mode, int tcpPort, Optional<ProbeTarget> peerHost) {
        public Probe {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(peerHost, "peerHost");
        }
    }

    /** The admin API (HTTP + JSON, token-protected). */
    /**
     * The replicated registry.
     *
     * @param fsync whether a commit forces the store to disk before a write is acknowledged (true,
     *     the default: an acknowledged write survives a power loss) or only hands it to the
     *     operating system (survives a crash of switchoverd, not of the machine)
     * @param ackTimeout how long the primary waits for the backup to acknowledge a batch of changes
     *     before it ends the session (the backup then re-synchronises by comparison)
     * @param maxUnackedChanges how far the backup may fall behind before its session ends
     */
    public record Registry(boolean fsync, Duration ackTimeout, int maxUnackedChanges) {
        public Registry {
            Objects.requireNonNull(ackTimeout, "ackTimeout");
        }
    }

    /**
     * Directory mirroring.
     *
     * @param directories the initial and continuous directories, in configuration order
     * @param quietPeriod a changed file ships once no event touched it for this long
     * @param maxDelay a file written without pause still ships this long after its first change
     * @param transfers files sent at once, per backup session
     */
    public record Mirror(
            List<DirectorySpec> directories,
            Duration quietPeriod,
            Duration maxDelay,
            int transfers) {
        public static final Mirror NONE =
                new Mirror(List.of(), Duration.ofMillis(20), Duration.ofSeconds(1), 4);

        public Mirror {
            directories = List.copyOf(directories);
            Objects.requireNonNull(quietPeriod, "quietPeriod");
            Objects.requireNonNull(maxDelay, "maxDelay");
        }
    }

    public record Admin(HostPort listen) {
        public Admin {
            Objects.requireNonNull(listen, "listen");
        }
    }

    /** Where the rolling log and the switchover event log are written. */
    public record Logging(Path dir) {
        public Logging {
            Objects.requireNonNull(dir, "dir");
        }
    }

    /** This node's id ({@code node.id}). */
    public String nodeId() {
        return core.nodeId();
    }

    /**
     * Where this node's notifier client connects: {@code peer.host} and {@code peer.notifier-port}.
     */
    public HostPort peerNotifier() {
        return new HostPort(core.peerHost(), peer.notifierPort());
    }

    /**
     * How to probe an address the core asks the network probe about: {@code probe.peer-host} for
     * {@code peer.host} when it is set, otherwise the address as written ({@code tcp:host:port} or
     * plain).
     *
     * @throws IllegalArgumentException for an address that is not a valid target (a configured one
     *     never is; a gateway read from the OS could be)
     */
    public ProbeTarget probeTarget(String address) {
        if (address.equals(core.peerHost()) && probe.peerHost().isPresent()) {
            return probe.peerHost().get();
        }
        return ProbeTarget.parse(address);
    }

    /**
     * The notifier settings for both the server and the client, ready to build: cluster, node id,
     * release ({@code node.release}, else {@code buildRelease}), secret and/or TLS, frame limit,
     * timeouts, reconnect backoff, and a policy that accepts no node but {@code peer.id}. The
     * wiring adds what only it knows (capabilities) and calls {@link
     * NotifierSettings.Builder#build()}, which cannot fail on values validated here.
     */
    public NotifierSettings.Builder notifierSettings(String buildRelease) {
        Objects.requireNonNull(buildRelease, "buildRelease");
        return NotifierSettings.builder(cluster, core.nodeId())
                .release(node.release().orElse(buildRelease))
                .sharedSecret(notifier.secret().map(SharedSecret::bytes).orElse(null))
                .tls(notifier.tls().orElse(null))
                .maxFrameLength(notifier.maxFrameBytes())
                .handshakeTimeout(notifier.handshakeTimeout())
                .keepaliveInterval(notifier.keepaliveInterval())
                .idleTimeout(notifier.idleTimeout())
                .reconnect(notifier.reconnect())
                .policy(onlyPeer(peer.id()));
    }

    private static PeerPolicy onlyPeer(String peerId) {
        // Authentication proves the node holds the pair's secret or certificate; this proves it is
        // the one node this node pairs with, so a third node with the same credentials is refused.
        return peer ->
                peer.nodeId().equals(peerId)
                        ? Optional.empty()
                        : Optional.of(
                                "node '"
                                        + peer.nodeId()
                                        + "' is not this node's peer (peer.id is '"
                                        + peerId
                                        + "')");
    }
}
