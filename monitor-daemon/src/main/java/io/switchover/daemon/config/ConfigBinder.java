package io.switchover.daemon.config;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.Glob;
import io.switchover.core.port.Release;
import io.switchover.core.time.Durations;
import io.switchover.daemon.config.YamlTree.Mapping;
import io.switchover.daemon.hooks.HookEvent;
import io.switchover.daemon.hooks.HookRole;
import io.switchover.daemon.hooks.HookSettings;
import io.switchover.daemon.probe.ProbeMode;
import io.switchover.daemon.probe.ProbeTarget;
import io.switchover.daemon.snmp.SnmpSettings;
import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.transport.Backoff;
import io.switchover.notifier.transport.NotifierSettings;
import io.switchover.notifier.transport.TlsSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the file's tree into a {@link DaemonConfig}: the schema, the daemon's defaults and ranges,
 * and the cross-field rules live here, section by section in file order. The core's parameters are
 * only parsed here (their defaults and ranges are {@link CoreConfig}'s) and the core's own
 * validation is reported under the same key paths.
 */
final class ConfigBinder {

    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/switchover");
    static final Path DEFAULT_LOG_DIR = Path.of("/var/log/switchover");
    static final int DEFAULT_PEER_NOTIFIER_PORT = 7400;
    static final HostPort DEFAULT_NOTIFIER_LISTEN = new HostPort("0.0.0.0", 7400);
    static final long DEFAULT_MAX_FRAME = Frame.DEFAULT_MAX_FRAME_LENGTH;
    static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(1);
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_RECONNECT_INITIAL = Duration.ofMillis(100);
    static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(5);
    static final String DEFAULT_MODULE_NAME = "app";
    static final HostPort DEFAULT_MODULE_LISTEN = new HostPort("127.0.0.1", 7401);
    static final int DEFAULT_EXPECT_STATUS = 200;
    static final int DEFAULT_PROBE_TCP_PORT = 22;
    static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(30);
    static final HostPort DEFAULT_ADMIN_LISTEN = new HostPort("127.0.0.1", 7480);

    /**
     * Frames must hold a 64 KiB stream chunk plus its header (the protocol's chunk size), and
     * nothing gains from a post-authentication limit below the 64 KiB pre-authentication one.
     */
    static final long MIN_MAX_FRAME = 128L << 10;

    static final long MAX_MAX_FRAME = 1L << 30;

    /** A secret file is one line; a larger file is the wrong file, not a long secret. */
    static final int MAX_SECRET_FILE_BYTES = 4096;

    private static final Duration MS = Duration.ofMillis(1);
    private static final Duration TEN_MS = Duration.ofMillis(10);
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
    private static final Duration HOUR = Duration.ofHours(1);

    /**
     * Names travel in the handshake, file names, metric labels and certificates: a conservative
     * alphabet keeps them safe in all of those.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private static final String NAME_RULE =
            "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private static final Pattern RELEASE = Pattern.compile("[0-9]+(\\.[0-9]+)*(-[A-Za-z0-9.]+)?");

    private static final Map<String, String> CHECK_TYPES =
            words("tcp", "http", "command", "registered");

    private static final Map<String, ProbeMode> PROBE_MODES = probeModes();

    /** The forms a probe target may take, for messages. */
    static final String PROBE_TARGET_FORMS = "a host name, an IP address or tcp:host:port";

    private final Binding binding;
    private final Path file;
    private final CoreConfig.Builder core = CoreConfig.builder("", "");

    private ConfigBinder(Binding binding, Path file) {
        this.binding = binding;
        this.file = file;
    }

    /**
     * Binds a parsed file.
     *
     * @param file the configuration file, absolute; its directory anchors relative paths
     * @param binding receives every problem
     * @return the configuration, or empty when {@code binding} has problems
     */
    static Optional<DaemonConfig> bind(Path file, Mapping root, Binding binding) {
        return new ConfigBinder(binding, file).bind(root);
    }

    private Optional<DaemonConfig> bind(Mapping root) {
        Section top = Section.root(binding, root);
        Optional<String> cluster = top.value("cluster", "a name", ConfigBinder::name);
        top.require("cluster", cluster, " (the pair's name, the same on both nodes)");

        Section nodeSection = top.section("node");
        Optional<String> nodeId = nodeSection.value("id", "a name", ConfigBinder::name);
        nodeSection.require("id", nodeId, " (this node's name, unique in the pair)");
        nodeId.ifPresent(core::nodeId);
        nodeSection.integer("tie-break-rank").ifPresent(core::tieBreakRank);
        Path dataDir = directory(nodeSection, "data-dir").orElse(DEFAULT_DATA_DIR);
        Optional<String> release = nodeSection.value("release", "a release", ConfigBinder::release);
        nodeSection.finish();
        DaemonConfig.Node node = new DaemonConfig.Node(dataDir, release);

        Optional<DaemonConfig.Peer> peer = peer(top.section("peer"), nodeId);
        Optional<DaemonConfig.Notifier> notifier = notifier(top.section("notifier"));

        ping(top.section("ping"));
        Optional<DaemonConfig.Module> module = module(top.section("module"));
        coreSections(top);

        DaemonConfig.Probe probe = probe(top.section("probe"));
        HookSettings hooks = hooks(top.section("hooks"));
        SnmpSettings snmp = SnmpSection.bind(binding, top.section("snmp"));

        DaemonConfig.Registry registry = registry(top.section("registry"));
        MirrorSection mirror = mirror(top.section("mirror"));

        Section adminSection = top.section("admin");
        HostPort adminListen = adminSection.hostPort("listen").orElse(DEFAULT_ADMIN_LISTEN);
        adminSection.finish();

        Section logging = top.section("logging");
        Path logDir = directory(logging, "dir").orElse(DEFAULT_LOG_DIR);
        logging.finish();

        top.finish();

        CoreConfig coreConfig = core.build();
        mirroredOwnState(mirror.directories(), dataDir, logDir);
        notifier.ifPresent(n -> listenCollisions(n.listen(), adminListen, module));
        peer.ifPresent(p -> notifier.ifPresent(n -> selfConnection(p, n, coreConfig.peerHost())));
        reportCoreProblems(coreConfig);

        if (binding.hasProblems()) {
            return Optional.empty();
        }
        return Optional.of(
                new DaemonConfig(
                        file,
                        cluster.orElseThrow(),
                        node,
                        peer.orElseThrow(),
                        notifier.orElseThrow(),
                        module.orElseThrow(),
                        probe,
                        hooks,
                        snmp,
                        registry,
                        mirror.config(),
                        new DaemonConfig.Admin(adminListen),
                        new DaemonConfig.Logging(logDir),
                        coreConfig));
    }

    private void ping(Section section) {
        section.duration("delay").ifPresent(core::pingDelay);
        section.duration("timeout").ifPresent(core::pingTimeout);
        section.integer("retry-max").ifPresent(core::pingRetryMax);
        section.finish();
    }

    /** The sections that hold only core parameters, parsed here and range-checked by the core. */
    private void coreSections(Section top) {
        Section reconnect = top.section("reconnect");
        reconnect.integer("attempts").ifPresent(core::reconnectAttempts);
        reconnect.duration("attempt-delay").ifPresent(core::reconnectAttemptDelay);
        reconnect.duration("interval").ifPresent(core::reconnectInterval);
        reconnect.finish();

        Section unreachable = top.section("unreachable-primary");
        unreachable.duration("ping-delay").ifPresent(core::unreachablePrimaryPingDelay);
        unreachable.integer("ping-count").ifPresent(core::unreachablePrimaryPingCount);
        unreachable.finish();

        Section startup = top.section("startup");
        startup.duration("window").ifPresent(core::startupWindow);
        startup.finish();

        Section gateway = top.section("gateway-ping");
        gateway.bool("enabled").ifPresent(core::gatewayPingEnabled);
        gateway.duration("timeout").ifPresent(core::gatewayPingTimeout);
        gateway.finish();

        Section nettest = top.section("nettest");
        nettest.list(
                        "addresses",
                        PROBE_TARGET_FORMS,
                        "10.0.0.1, tcp:10.0.0.53:53",
                        ConfigBinder::probeAddress)
                .ifPresent(core::netTestAddresses);
        nettest.duration("timeout").ifPresent(core::netTestTimeout);
        nettest.finish();

        Section handover = top.section("handover");
        handover.duration("timeout").ifPresent(core::handoverTimeout);
        handover.finish();

        Section stall = top.section("stall");
        stall.duration("threshold").ifPresent(core::stallThreshold);
        stall.finish();
    }

    private Optional<DaemonConfig.Peer> peer(Section section, Optional<String> nodeId) {
        Optional<String> id = section.value("id", "a name", ConfigBinder::name);
        section.require("id", id, " (the other node's node.id)");
        Optional<String> host =
                section.value("host", "a host name or IP address", HostPort::requireHost);
        section.require("host", host, " (the other node's host name or IP address)");
        host.ifPresent(core::peerHost);
        section.duration("host-ping-timeout").ifPresent(core::peerHostPingTimeout);
        int notifierPort =
                section.integer("notifier-port", 1, 65535).orElse(DEFAULT_PEER_NOTIFIER_PORT);
        section.finish();

        if (id.isPresent() && id.equals(nodeId)) {
            binding.problem(
                    section.keyPath("id"),
                    id.get(),
                    "must differ from node.id: a node cannot be its own peer");
            return Optional.empty();
        }
        return id.map(peerId -> new DaemonConfig.Peer(peerId, notifierPort));
    }

    private Optional<DaemonConfig.Notifier> notifier(Section section) {
        HostPort listen = section.hostPort("listen").orElse(DEFAULT_NOTIFIER_LISTEN);
        Optional<Path> secretFile = section.filePath("secret-file", "a file path");
        Section tlsSection = section.section("tls");
        Optional<TlsSettings> tls = tls(tlsSection);
        long maxFrame =
                section.size("max-frame", MIN_MAX_FRAME, MAX_MAX_FRAME).orElse(DEFAULT_MAX_FRAME);
        Duration handshakeTimeout =
                section.duration("handshake-timeout", MS, TEN_MINUTES)
                        .orElse(DEFAULT_HANDSHAKE_TIMEOUT);
        Duration keepalive =
                section.duration("keepalive-interval", MS, TEN_MINUTES)
                        .orElse(DEFAULT_KEEPALIVE_INTERVAL);
        Duration idle = section.duration("idle-timeout", MS, HOUR).orElse(DEFAULT_IDLE_TIMEOUT);
        Duration reconnectInitial =
                section.duration("reconnect-initial", MS, MINUTE).orElse(DEFAULT_RECONNECT_INITIAL);
        Duration reconnectMax =
                section.duration("reconnect-max", MS, HOUR).orElse(DEFAULT_RECONNECT_MAX);
        section.finish();

        Optional<SharedSecret> secret = secretFile.flatMap(f -> secret(section, f));
        if (secretFile.isEmpty()
                && !tlsSection.present()
                && !binding.hasProblemAt(section.keyPath("secret-file"))
                && !binding.hasProblemAt(section.keyPath("tls"))) {
            binding.problem(
                    section.keyPath("secret-file"),
                    null,
                    "is required unless notifier.tls is set: the nodes must authenticate each"
                            + " other");
        }
        // The idle timeout closes a connection that sent nothing, keepalives included; below two
        // intervals one late keepalive would drop a healthy connection.
        if (idle.compareTo(keepalive.multipliedBy(2)) < 0
                && !binding.hasProblemAt(section.keyPath("idle-timeout"))
                && !binding.hasProblemAt(section.keyPath("keepalive-interval"))) {
            binding.problem(
                    section.keyPath("idle-timeout"),
                    shown(section.keyPath("idle-timeout"), idle),
                    "must be at least twice notifier.keepalive-interval ("
                            + Durations.format(keepalive)
                            + "), so one late keepalive does not drop the connection");
        }
        notBelow(section, "reconnect-max", reconnectMax, "reconnect-initial", reconnectInitial, "");
        if ((secret.isEmpty() && tls.isEmpty()) || reconnectMax.compareTo(reconnectInitial) < 0) {
            return Optional.empty();
        }
        return Optional.of(
                new DaemonConfig.Notifier(
                        listen,
                        secret,
                        tls,
                        (int) maxFrame,
                        handshakeTimeout,
                        keepalive,
                        idle,
                        new Backoff(reconnectInitial, reconnectMax)));
    }

    private Optional<TlsSettings> tls(Section section) {
        List<Optional<Path>> files = new ArrayList<>();
        for (String key : List.of("certificate-chain", "private-key", "trusted-certificates")) {
            Optional<Path> path = section.filePath(key, "a file path");
            if (section.present()) {
                section.require(key, path, " when notifier.tls is set");
                path.flatMap(FileChecks::readableFile)
                        .ifPresent(
                                p ->
                                        binding.problem(
                                                section.keyPath(key),
                                                binding.written(section.keyPath(key)).orElse(null),
                                                p));
            }
            files.add(path);
        }
        section.finish();
        if (!section.present() || binding.hasProblemWithin(section.path())) {
            return Optional.empty();
        }
        return Optional.of(
                new TlsSettings(
                        files.get(0).orElseThrow(),
                        files.get(1).orElseThrow(),
                        files.get(2).orElseThrow()));
    }

    private Optional<SharedSecret> secret(Section section, Path file) {
        String key = section.keyPath("secret-file");
        String written = binding.written(key).orElse(null);
        Optional<String> unreadable = FileChecks.readableFile(file);
        if (unreadable.isPresent()) {
            binding.problem(key, written, unreadable.get());
            return Optional.empty();
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_SECRET_FILE_BYTES) {
                binding.problem(
                        key,
                        written,
                        "is larger than "
                                + MAX_SECRET_FILE_BYTES
                                + " bytes, not a secret file: "
                                + file);
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            binding.problem(key, written, "cannot be read (" + e.getMessage() + "): " + file);
            return Optional.empty();
        }
        // Editors and `echo` end the line; the newline is not part of the secret.
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\n') {
            length--;
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
        }
        if (length < NotifierSettings.MIN_SECRET_BYTES) {
            binding.problem(
                    key,
                    written,
                    "holds "
                            + length
                            + " bytes (without a trailing newline); a shared secret needs at least "
                            + NotifierSettings.MIN_SECRET_BYTES
                            + ": "
                            + file);
            return Optional.empty();
        }
        return Optional.of(new SharedSecret(file, Arrays.copyOf(bytes, length)));
    }

    private Optional<DaemonConfig.Module> module(Section section) {
        String name =
                section.value("name", "a name", ConfigBinder::name).orElse(DEFAULT_MODULE_NAME);
        Section check = section.section("check");
        Optional<String> type = check.choice("type", CHECK_TYPES);
        Optional<HostPort> target = check.hostPort("target");
        Optional<URI> url = check.value("url", "a URL", ConfigBinder::url);
        int expectStatus = check.integer("expect-status", 100, 599).orElse(DEFAULT_EXPECT_STATUS);
        Optional<List<String>> command =
                check.list("command", "a word", "/usr/local/bin/app-check, --quick", w -> w);
        check.finish();
        Optional<HostPort> listen = section.hostPort("listen");
        boolean allowRemoteListen = section.bool("allow-remote-listen").orElse(false);

        section.duration("ping-interval").ifPresent(core::modulePingInterval);
        section.duration("ping-timeout").ifPresent(core::modulePingTimeout);
        section.duration("retry-delay").ifPresent(core::moduleRetryDelay);
        section.integer("max-failures").ifPresent(core::moduleMaxFailures);
        section.integer("confirm-pings").ifPresent(core::moduleConfirmPings);
        section.duration("monitor-poll-interval").ifPresent(core::moduleMonitorPollInterval);
        section.finish();

        check.require("type", type, ": one of " + String.join(", ", CHECK_TYPES.keySet()));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        String t = type.get();
        String onlyFor = "; this check is " + t;
        if (!t.equals("tcp")) {
            check.notApplicable("target", "applies only to check type tcp" + onlyFor);
        }
        if (!t.equals("http")) {
            check.notApplicable("url", "applies only to check type http" + onlyFor);
            check.notApplicable("expect-status", "applies only to check type http" + onlyFor);
        }
        if (!t.equals("command")) {
            check.notApplicable("command", "applies only to check type command" + onlyFor);
        }
        if (!t.equals("registered")) {
            String why = "applies only to check type registered (module.check.type)" + onlyFor;
            section.notApplicable("listen", why);
            section.notApplicable("allow-remote-listen", why);
        }
        Optional<ModuleCheck> moduleCheck;
        switch (t) {
            case "tcp":
                check.require("target", target, " for check type tcp (host:port)");
                moduleCheck = target.map(ModuleCheck.Tcp::new);
                break;
            case "http":
                check.require("url", url, " for check type http");
                moduleCheck = url.map(u -> new ModuleCheck.Http(u, expectStatus));
                break;
            case "command":
                check.require("command", command, " for check type command ([program, arg...])");
                moduleCheck = command.flatMap(c -> command(check, c));
                break;
            default:
                HostPort where = listen.orElse(DEFAULT_MODULE_LISTEN);
                if (!where.isLoopback() && !allowRemoteListen) {
                    binding.problem(
                            section.keyPath("listen"),
                            binding.written(section.keyPath("listen")).orElse(null),
                            "must be a loopback address (127.0.0.1, ::1 or localhost): the"
                                    + " registered application runs on this host; set"
                                    + " module.allow-remote-listen: true to accept it from"
                                    + " elsewhere");
                }
                moduleCheck = Optional.of(new ModuleCheck.Registered(where));
                break;
        }
        return moduleCheck.map(c -> new DaemonConfig.Module(name, c));
    }

    /** The command's program, resolved and checked when written as a path. */
    private Optional<ModuleCheck> command(Section check, List<String> words) {
        String key = check.keyPath("command");
        if (words.isEmpty()) {
            binding.problem(key, null, "must name a program: [program, arg...]");
            return Optional.empty();
        }
        String program = words.get(0);
        if (program.indexOf('/') < 0) {
            // A bare name is looked up on PATH when the check runs, as a shell would.
            return Optional.of(new ModuleCheck.Command(words));
        }
        Optional<String> pathProblem = Binding.pathProblem(program);
        if (pathProblem.isPresent()) {
            binding.problem(key + "[0]", program, pathProblem.get());
            return Optional.empty();
        }
        Path resolved = binding.resolve(program);
        Optional<String> problem = FileChecks.executableFile(resolved);
        if (problem.isPresent()) {
            binding.problem(key + "[0]", program, problem.get());
            return Optional.empty();
        }
        List<String> absolute = new ArrayList<>(words);
        absolute.set(0, resolved.toString());
        return Optional.of(new ModuleCheck.Command(absolute));
    }

    private DaemonConfig.Probe probe(Section section) {
        ProbeMode mode = section.choice("mode", PROBE_MODES).orElse(ProbeMode.AUTO);
        int tcpPort = section.integer("tcp-port", 1, 65535).orElse(DEFAULT_PROBE_TCP_PORT);
        Optional<ProbeTarget> peerHost =
                section.value("peer-host", PROBE_TARGET_FORMS, ProbeTarget::parse);
        section.finish();
        return new DaemonConfig.Probe(mode, tcpPort, peerHost);
    }

    private DaemonConfig.Registry registry(Section section) {
        Map<String, Boolean> durability = new LinkedHashMap<>();
        durability.put("fsync", true);
        durability.put("write", false);
        boolean fsync = section.choice("durability", durability).orElse(true);
        Duration ackTimeout =
                section.duration("ack-timeout", Duration.ofMillis(100), Duration.ofMinutes(10))
                        .orElse(Duration.ofSeconds(10));
        int maxUnacked = section.integer("max-unacked-changes", 1_000, 10_000_000).orElse(100_000);
        section.finish();
        return new DaemonConfig.Registry(fsync, ackTimeout, maxUnacked);
    }

    /** The mirror section as bound, with each directory's entry for checks made later. */
    private record MirrorSection(DaemonConfig.Mirror config, List<MirroredDirectory> directories) {}

    /**
     * A mirrored directory and the entry of the file that configures it, for messages.
     *
     * @param entry the list item ({@code mirror.continuous[2]}), a section even when written in the
     *     short form
     */
    private record MirroredDirectory(DirectorySpec spec, Section entry) {
        String pathKey() {
            return entry.keyPath("path");
        }

        /** Where a problem with the target is reported: {@code path} when it is the default. */
        String targetKey() {
            return entry.has("target") ? entry.keyPath("target") : pathKey();
        }
    }

    private MirrorSection mirror(Section section) {
        DaemonConfig.Mirror defaults = DaemonConfig.Mirror.NONE;
        Duration quietPeriod =
                section.duration("quiet-period", MS, TEN_SECONDS).orElse(defaults.quietPeriod());
        Duration maxDelay =
                section.duration("max-delay", TEN_MS, MINUTE).orElse(defaults.maxDelay());
        int transfers = section.integer("transfers", 1, 64).orElse(defaults.transfers());
        List<MirroredDirectory> directories = new ArrayList<>();
        directories.addAll(mirroredDirectories(section, "initial", DirectorySpec.Mode.INITIAL));
        directories.addAll(
                mirroredDirectories(section, "continuous", DirectorySpec.Mode.CONTINUOUS));
        section.finish();

        notBelow(
                section,
                "max-delay",
                maxDelay,
                "quiet-period",
                quietPeriod,
                ": it bounds how long a file rewritten without pause waits");
        nestedMirrors(directories);
        List<DirectorySpec> specs = directories.stream().map(MirroredDirectory::spec).toList();
        return new MirrorSection(
                new DaemonConfig.Mirror(specs, quietPeriod, maxDelay, transfers), directories);
    }

    private List<MirroredDirectory> mirroredDirectories(
            Section section, String key, DirectorySpec.Mode mode) {
        List<Section> entries =
                section.sections(
                                key,
                                "path",
                                "a directory path",
                                "+/srv/app/resources, {path: /srv/app/tables, target:"
                                        + " /srv/standby/tables}")
                        .orElse(List.of());
        List<MirroredDirectory> directories = new ArrayList<>();
        for (Section entry : entries) {
            mirroredDirectory(entry, mode).ifPresent(directories::add);
        }
        return directories;
    }

    /**
     * One entry of {@code mirror.initial} or {@code mirror.continuous}. {@link DirectorySpec#parse}
     * owns the rules of paths (absolute, normalised, not the root); since its message does not say
     * which of path and target broke them, the path is parsed alone first.
     */
    private Optional<MirroredDirectory> mirroredDirectory(Section entry, DirectorySpec.Mode mode) {
        Optional<String> path = entry.value("path", "a directory path", text -> text);
        entry.require(
                "path", path, " (the directory on this node; a leading + includes subdirectories)");
        boolean pathValid =
                path.isPresent()
                        && directorySpec(
                                        entry.keyPath("path"),
                                        path.get(),
                                        Optional.empty(),
                                        mode,
                                        List.of())
                                .isPresent();
        Optional<String> target = entry.value("target", "a directory path", text -> text);
        if (pathValid && target.isPresent()) {
            directorySpec(entry.keyPath("target"), path.get(), target, mode, List.of());
        }
        List<String> excludes =
                entry.list("exclude", "a glob", "'*.tmp', 'cache/**'", ConfigBinder::glob)
                        .orElse(List.of());
        entry.finish();
        if (!pathValid || binding.hasProblemWithin(entry.path())) {
            return Optional.empty();
        }
        return directorySpec(entry.path(), path.get(), target, mode, excludes)
                .map(spec -> new MirroredDirectory(spec, entry));
    }

    private Optional<DirectorySpec> directorySpec(
            String key,
            String path,
            Optional<String> target,
            DirectorySpec.Mode mode,
            List<String> excludes) {
        try {
            return Optional.of(DirectorySpec.parse(path, target, mode, excludes));
        } catch (IllegalArgumentException e) {
            problemAt(key, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Two entries for one directory, or one inside the other, would mirror the same files twice,
     * racing each other; on the peer, two entries writing the same or nested paths would too. An
     * entry is reported once, with the first earlier entry it collides with.
     */
    private void nestedMirrors(List<MirroredDirectory> directories) {
        for (int j = 1; j < directories.size(); j++) {
            for (int i = 0; i < j; i++) {
                if (collides(directories.get(j), directories.get(i))) {
                    break;
                }
            }
        }
    }

    /** Reports the later entry if it collides with the earlier one, here or on the peer. */
    private boolean collides(MirroredDirectory later, MirroredDirectory earlier) {
        String where = earlier.entry().path();
        String source = earlier.spec().source();
        Nesting sources = Nesting.of(later.spec().source(), source);
        if (sources == Nesting.SAME) {
            problemAt(later.pathKey(), "is also listed at " + where + "; list it once");
            return true;
        }
        if (sources != Nesting.APART) {
            problemAt(
                    later.pathKey(),
                    sources.verb()
                            + " "
                            + source
                            + ", listed at "
                            + where
                            + ": mirrored directories must not nest, or the files in both would"
                            + " be mirrored twice");
            return true;
        }
        String target = earlier.spec().target();
        Nesting targets = Nesting.of(later.spec().target(), target);
        if (targets == Nesting.APART) {
            return false;
        }
        problemAt(
                later.targetKey(),
                "names the peer's copy "
                        + later.spec().target()
                        + ", which "
                        + (targets == Nesting.SAME
                                ? "is also the target of "
                                        + where
                                        + ": two entries would write one directory on the peer"
                                : targets.verb()
                                        + " "
                                        + target
                                        + ", the target of "
                                        + where
                                        + ": the peer's copies must not nest either"));
        return true;
    }

    /**
     * The daemon's own state (generation, registry store, kept-aside files) and logs are written
     * while it runs, and as backup it would overwrite them with the peer's: no mirrored directory
     * may be, hold or lie inside either.
     */
    private void mirroredOwnState(List<MirroredDirectory> directories, Path dataDir, Path logDir) {
        Map<String, Path> own = new LinkedHashMap<>();
        if (!binding.hasProblemAt("node.data-dir")) {
            own.put("node.data-dir", dataDir);
        }
        if (!binding.hasProblemAt("logging.dir")) {
            own.put("logging.dir", logDir);
        }
        for (MirroredDirectory directory : directories) {
            for (Map.Entry<String, Path> ownDir : own.entrySet()) {
                Nesting nesting =
                        Nesting.of(directory.spec().source(), ownDir.getValue().toString());
                if (nesting != Nesting.APART) {
                    problemAt(
                            directory.pathKey(),
                            nesting.verb()
                                    + " "
                                    + ownDir.getKey()
                                    + " ("
                                    + ownDir.getValue()
                                    + "): the daemon's own files must not be mirrored, as backup"
                                    + " it would overwrite them with the peer's");
                    break;
                }
            }
        }
    }

    /** A problem at a key, showing its value as written. */
    private void problemAt(String key, String message) {
        binding.problem(key, binding.written(key).orElse(null), message);
    }

    /** How one directory lies relative to another, compared by path segments, not text. */
    private enum Nesting {
        SAME("is"),
        INSIDE("is inside"),
        CONTAINS("contains"),
        APART("is apart from");

        private final String verb;

        Nesting(String verb) {
            this.verb = verb;
        }

        static Nesting of(String directory, String other) {
            Path a = Path.of(directory);
            Path b = Path.of(other);
            if (a.equals(b)) {
                return SAME;
            }
            if (a.startsWith(b)) {
                return INSIDE;
            }
            return b.startsWith(a) ? CONTAINS : APART;
        }

        /** To follow the value in a problem: {@code "+/srv" contains /srv/app}. */
        String verb() {
            return verb;
        }
    }

    private HookSettings hooks(Section section) {
        Duration timeout = section.duration("timeout", MS, HOUR).orElse(DEFAULT_HOOK_TIMEOUT);
        Map<HookEvent, Map<HookRole, List<Path>>> scripts = new EnumMap<>(HookEvent.class);
        for (HookEvent event : HookEvent.values()) {
            scripts.put(event, new EnumMap<>(HookRole.class));
        }
        // Keys in the order the documentation lists them: per role, enter then leave.
        for (HookRole role : HookRole.values()) {
            for (HookEvent event : HookEvent.values()) {
                String key = event.configKey(role);
                List<String> written =
                        section.list(key, "a script path", "/etc/switchover/hooks/vip.sh", w -> w)
                                .orElse(List.of());
                List<Path> paths = new ArrayList<>();
                for (int i = 0; i < written.size(); i++) {
                    String itemPath = section.keyPath(key) + "[" + i + "]";
                    String text = written.get(i);
                    Optional<String> problem =
                            Binding.pathProblem(text)
                                    .or(() -> FileChecks.executableFile(binding.resolve(text)));
                    if (problem.isPresent()) {
                        binding.problem(itemPath, text, problem.get());
                    } else {
                        paths.add(binding.resolve(text));
                    }
                }
                scripts.get(event).put(role, paths);
            }
        }
        section.finish();
        return new HookSettings(
                scripts.get(HookEvent.ENTER), scripts.get(HookEvent.LEAVE), timeout);
    }

    /** A directory the daemon will create; reported only when something else is in its place. */
    private Optional<Path> directory(Section section, String key) {
        Optional<Path> dir = section.filePath(key, "a directory path");
        dir.flatMap(FileChecks::directoryOrAbsent)
                .ifPresent(
                        p ->
                                binding.problem(
                                        section.keyPath(key),
                                        binding.written(section.keyPath(key)).orElse(null),
                                        p));
        return dir;
    }

    /** Two of this node's servers on one port would fail at bind time; say so now. */
    private void listenCollisions(
            HostPort notifier, HostPort admin, Optional<DaemonConfig.Module> module) {
        if (admin.overlaps(notifier)) {
            binding.problem(
                    "admin.listen",
                    binding.written("admin.listen").orElse(admin.toString()),
                    "uses the same port as notifier.listen (" + notifier + ")");
        }
        if (module.isPresent() && module.get().check() instanceof ModuleCheck.Registered r) {
            HostPort moduleListen = r.listen();
            String shown = binding.written("module.listen").orElse(moduleListen.toString());
            if (moduleListen.overlaps(notifier)) {
                binding.problem(
                        "module.listen",
                        shown,
                        "uses the same port as notifier.listen (" + notifier + ")");
            }
            if (moduleListen.overlaps(admin)) {
                binding.problem(
                        "module.listen",
                        shown,
                        "uses the same port as admin.listen (" + admin + ")");
            }
        }
    }

    /**
     * Both nodes on one host (the demo pair, a test rig) must use different notifier ports, or this
     * node would dial its own server and take itself for its peer.
     */
    private void selfConnection(
            DaemonConfig.Peer peer, DaemonConfig.Notifier notifier, String peerHost) {
        HostPort listen = notifier.listen();
        if (HostPort.isLoopbackHost(peerHost)
                && peer.notifierPort() == listen.port()
                && (listen.isLoopback() || listen.isWildcard())) {
            binding.problem(
                    "peer.notifier-port",
                    Integer.toString(peer.notifierPort()),
                    "is this node's own notifier.listen port and peer.host is loopback: the node"
                            + " would connect to itself; give each node its own port");
        }
    }

    /**
     * A duration that must not be below another key's of the same section; silent when either key
     * was already reported.
     *
     * @param why follows the rule in the message (": ..."), or empty
     */
    private void notBelow(
            Section section,
            String key,
            Duration value,
            String floorKey,
            Duration floor,
            String why) {
        if (value.compareTo(floor) < 0
                && !binding.hasProblemAt(section.keyPath(key))
                && !binding.hasProblemAt(section.keyPath(floorKey))) {
            binding.problem(
                    section.keyPath(key),
                    shown(section.keyPath(key), value),
                    "must be at least "
                            + section.keyPath(floorKey)
                            + " ("
                            + Durations.format(floor)
                            + ")"
                            + why);
        }
    }

    /** The core's rules, under the same key paths, unless the key was already reported. */
    private void reportCoreProblems(CoreConfig coreConfig) {
        for (io.switchover.core.config.ConfigProblem problem : coreConfig.validate()) {
            if (binding.hasProblemAt(problem.key())) {
                continue;
            }
            String value = binding.written(problem.key()).orElse(unquote(problem.value()));
            binding.problem(problem.key(), value, problem.allowed());
        }
    }

    /** The text a value was written as, or the default's written form when it was not written. */
    private String shown(String path, Duration value) {
        return binding.written(path).orElse(Durations.format(value));
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    private static String name(String text) {
        if (!NAME.matcher(text).matches()) {
            throw new IllegalArgumentException(NAME_RULE);
        }
        return text;
    }

    private static String release(String text) {
        String rule =
                "must be a release like 2.4.1 or 2.5.0-rc1 (numbers separated by dots, optionally"
                        + " -suffix)";
        if (!RELEASE.matcher(text).matches()) {
            throw new IllegalArgumentException(rule);
        }
        try {
            // The core compares releases to choose the upgrade states; it must read this one.
            Release.parse(text);
        } catch (IllegalArgumentException numberTooLarge) {
            throw new IllegalArgumentException(rule);
        }
        return text;
    }

    private static String glob(String text) {
        Glob.compile(text);
        return text;
    }

    private static String probeAddress(String text) {
        ProbeTarget.parse(text);
        return text;
    }

    private static URI url(String text) {
        String rule =
                "must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080/health";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(rule);
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw new IllegalArgumentException(rule);
        }
        return uri;
    }

    /** A closed set of words, in the order messages list them. */
    private static Map<String, String> words(String... words) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String word : words) {
            map.put(word, word);
        }
        return Collections.unmodifiableMap(map);
    }

    private static Map<String, ProbeMode> probeModes() {
        Map<String, ProbeMode> map = new LinkedHashMap<>();
        for (ProbeMode mode : ProbeMode.values()) {
            map.put(mode.configName(), mode);
        }
        return Collections.unmodifiableMap(map);
    }
}
