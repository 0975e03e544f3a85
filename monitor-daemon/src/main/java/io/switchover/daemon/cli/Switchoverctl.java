package io.switchover.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchover.daemon.admin.AdminServer;
import io.switchover.daemon.config.ConfigLoader;
import io.switchover.daemon.config.ConfigResult;
import io.switchover.daemon.config.DaemonConfig;
import io.switchover.daemon.config.HostPort;
import io.switchover.daemon.store.AdminToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code switchoverctl}: status, events, controlled switchover and rejoin against the local daemon,
 * the registry ({@link RegistryCommands}), and {@code config check} of a configuration file. Exit
 * codes are those of {@link ExitCode}.
 *
 * <p>Finding the daemon: {@code --url} and {@code --token-file} (or {@code --data-dir}) when given;
 * otherwise from the daemon's configuration file, {@code --config} or, when no option names the
 * daemon, {@link ConfigLoader#DEFAULT_FILE} if it exists: {@code admin.listen} is the address (a
 * wildcard listen address is reached on loopback) and {@code node.data-dir/admin.token} the token.
 */
@Command(
        name = "switchoverctl",
        mixinStandardHelpOptions = true,
        version = "switchoverctl 0.1.0",
        description = "Operate the local switchover daemon.",
        subcommands = {
            Switchoverctl.Status.class,
            Switchoverctl.Events.class,
            Switchoverctl.Switch.class,
            Switchoverctl.Rejoin.class,
            Switchoverctl.Config.class,
            RegistryCommands.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the daemon refused the command (the reason is printed)",
            "2:wrong usage",
            "3:the daemon's admin API cannot be reached",
            "4:no token, or the daemon refused it",
            "5:the configuration file is invalid",
            "6:any other failure",
            "7:registry: no such key or value",
            "8:registry: invalid key, value or input file (the problem is printed)",
            "9:registry: unavailable for now (switchover in progress, too busy); retry"
        })
public final class Switchoverctl {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Where the admin API listens when nothing says otherwise: {@code admin.listen}'s default. */
    static final URI DEFAULT_URL = URI.create("http://127.0.0.1:7480/");

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "the daemon's configuration file: the admin API address (admin.listen) and the"
                            + " token (node.data-dir/admin.token) come from it (default: "
                            + "/etc/switchover/switchover.yaml when it exists and no other option"
                            + " names the daemon)")
    Path config;

    @Option(
            names = "--url",
            description =
                    "admin API address (default: from the configuration, else http://127.0.0.1:7480/)")
    URI url;

    @Option(
            names = "--token-file",
            description =
                    "file holding the admin token (default: from --data-dir or the configuration)")
    Path tokenFile;

    @Option(names = "--data-dir", description = "the daemon's data directory (holds admin.token)")
    Path dataDir;

    /** The configuration the daemon is found from, once loaded; null when none applies. */
    private DaemonConfig daemonConfig;

    private boolean daemonConfigLoaded;

    /** Where output goes; tests swap it. */
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);

    /** Where progress and problems go, apart from the output proper. */
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);

    /** Standard input ({@code registry import -}); tests swap it. */
    InputStream in = System.in;

    public static void main(String[] args) {
        System.exit(
                run(
                        args,
                        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                        new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, System.in, out, err);
    }

    /** Runs a command line reading standard input from {@code in}; returns the exit code. */
    public static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
        Switchoverctl root = new Switchoverctl();
        root.in = in;
        root.out = out;
        root.err = err;
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    if (e instanceof CliException c) {
                        err.println("switchoverctl: " + c.getMessage());
                        return c.code().value;
                    }
                    err.println("switchoverctl: " + e);
                    return ExitCode.ERROR.value;
                });
        cl.setParameterExceptionHandler(
                (e, a) -> {
                    err.println("switchoverctl: " + e.getMessage());
                    e.getCommandLine().usage(err);
                    return ExitCode.USAGE.value;
                });
        return cl.execute(args);
    }

    AdminClient client() {
        Target t = target();
        return new AdminClient(t.base(), t.token());
    }

    /** The daemon's admin API and the token to present to it. */
    record Target(URI base, String token) {}

    /** Finds the daemon and its token from the options (see the class comment). */
    Target target() {
        URI base =
                url != null ? url : daemonConfig().map(Switchoverctl::adminUrl).orElse(DEFAULT_URL);
        if (!base.getPath().endsWith("/")) {
            base = URI.create(base + "/");
        }
        Path file =
                tokenFile != null
                        ? tokenFile
                        : dataDir != null
                                ? dataDir.resolve(AdminToken.FILE)
                                : daemonConfig()
                                        .map(c -> c.node().dataDir().resolve(AdminToken.FILE))
                                        .orElse(null);
        if (file == null) {
            throw new CliException(
                    ExitCode.AUTHENTICATION,
                    "no token: pass --config, --data-dir or --token-file (the daemon writes "
                            + AdminToken.FILE
                            + " into its data directory)");
        }
        String token;
        try {
            token = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            // A daemon that never ran has no token yet: say that it is not running, if so.
            new AdminClient(base, null).get("health");
            throw new CliException(
                    ExitCode.AUTHENTICATION,
                    "no admin token at "
                            + file
                            + ": is it the data directory of the daemon at "
                            + base
                            + "?");
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.AUTHENTICATION,
                    "cannot read the admin token from " + file + ": " + e.getMessage());
        }
        return new Target(base, token);
    }

    /**
     * The daemon's configuration: {@code --config}, or the default file when no option names the
     * daemon and it exists; empty otherwise.
     *
     * @throws CliException ({@link ExitCode#CONFIG_INVALID}) with every problem if it is invalid
     */
    private Optional<DaemonConfig> daemonConfig() {
        if (!daemonConfigLoaded) {
            daemonConfigLoaded = true;
            Path file = config;
            if (file == null
                    && url == null
                    && tokenFile == null
                    && dataDir == null
                    && Files.exists(ConfigLoader.DEFAULT_FILE)) {
                file = ConfigLoader.DEFAULT_FILE;
            }
            if (file != null) {
                ConfigResult result = ConfigLoader.load(file);
                if (result instanceof ConfigResult.Invalid invalid) {
                    throw new CliException(
                            ExitCode.CONFIG_INVALID,
                            "cannot find the daemon from an invalid configuration: "
                                    + invalid.render());
                }
                daemonConfig = ((ConfigResult.Valid) result).config();
            }
        }
        return Optional.ofNullable(daemonConfig);
    }

    /** The admin API of a daemon configured with {@code admin.listen}, as reached from here. */
    static URI adminUrl(DaemonConfig config) {
        HostPort listen = config.admin().listen();
        if (listen.isWildcard()) {
            // Listening everywhere: this machine reaches it on loopback, of the same family.
            listen = new HostPort(listen.host().contains(":") ? "::1" : "127.0.0.1", listen.port());
        }
        return URI.create("http://" + listen + "/");
    }

    static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Command(
            name = "status",
            description =
                    "Show this node's role, its peer, connections, pings, network and module status.")
    static final class Status implements Callable<Integer> {
        @ParentCommand Switchoverctl root;

        @Option(names = "--json", description = "print the daemon's JSON as is")
        boolean json;

        @Override
        public Integer call() {
            JsonNode s = root.client().get("status").json();
            if (json) {
                root.out.println(json(s));
            } else {
                root.out.print(StatusTable.render(s));
            }
            root.out.flush();
            return ExitCode.OK.value;
        }
    }

    @Command(
            name = "events",
            description = "Show recorded decisions with their reasons, oldest first.")
    static final class Events implements Callable<Integer> {
        @ParentCommand Switchoverctl root;

        @Option(
                names = "--limit",
                defaultValue = "50",
                description = "how many (default ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1 || limit > AdminServer.MAX_EVENTS) {
                throw new CliException(
                        ExitCode.USAGE,
                        "--limit must be between 1 and "
                                + AdminServer.MAX_EVENTS
                                + ", got "
                                + limit);
            }
            JsonNode events = root.client().get("events?limit=" + limit).json().get("events");
            if (json) {
                root.out.println(json(events));
            } else {
                for (JsonNode e : events) {
                    root.out.println(EventLine.render(e));
                }
            }
            root.out.flush();
            return ExitCode.OK.value;
        }
    }

    @Command(
            name = "switch",
            description =
                    "Controlled switchover: the backup takes over, nothing acknowledged is lost.")
    static final class Switch implements Callable<Integer> {
        @ParentCommand Switchoverctl root;

        @Option(
                names = "--force",
                description = "switch even where the daemon would refuse, where the spec allows")
        boolean force;

        @Option(
                names = "--wait",
                defaultValue = "60s",
                description = "how long to wait for the new primary (default ${DEFAULT-VALUE})")
        String wait;

        @Override
        public Integer call() throws InterruptedException {
            AdminClient c = root.client();
            JsonNode before = c.get("status").json();
            long start = System.nanoTime();
            AdminClient.Response r = c.post("switch" + (force ? "?force=true" : ""));
            if (r.status() == 409) {
                root.out.println("switch refused: " + r.json().get("detail").asText());
                root.out.flush();
                return ExitCode.REFUSED.value;
            }
            root.out.println("switch accepted: " + r.json().get("detail").asText());
            Duration limit = parseDuration(wait);
            String beforeState = before.path("node").path("state").asText();
            while (System.nanoTime() - start < limit.toNanos()) {
                JsonNode now = c.get("status").json();
                String state = now.path("node").path("state").asText();
                if (!state.equals(beforeState) && !state.equals("STARTING")) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    String primary =
                            state.equals("PRIMARY")
                                    ? now.path("node").path("id").asText()
                                    : now.path("peer").path("id").asText();
                    root.out.printf(
                            "%s is primary (this node %s is now %s) after %.2f s%n",
                            primary, now.path("node").path("id").asText(), state, seconds);
                    root.out.flush();
                    return ExitCode.OK.value;
                }
                Thread.sleep(50);
            }
            root.out.println("no role change within " + wait + "; see 'switchoverctl events'");
            root.out.flush();
            return ExitCode.ERROR.value;
        }
    }

    @Command(name = "rejoin", description = "A FAILED node rejoins the pair as backup.")
    static final class Rejoin implements Callable<Integer> {
        @ParentCommand Switchoverctl root;

        @Override
        public Integer call() {
            AdminClient.Response r = root.client().post("rejoin");
            String detail = r.json().get("detail").asText();
            root.out.println(
                    (r.status() == 409 ? "rejoin refused: " : "rejoin accepted: ") + detail);
            root.out.flush();
            return r.status() == 409 ? ExitCode.REFUSED.value : ExitCode.OK.value;
        }
    }

    @Command(
            name = "config",
            description = "Work with configuration files.",
            subcommands = {Switchoverctl.ConfigCheck.class})
    static final class Config implements Callable<Integer> {
        @ParentCommand Switchoverctl root;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "config needs a subcommand: config check FILE");
        }
    }

    @Command(
            name = "check",
            description =
                    "Validate a configuration file as switchoverd would, without starting anything;"
                            + " print every problem found.")
    static final class ConfigCheck implements Callable<Integer> {
        @ParentCommand Config parent;

        @Parameters(paramLabel = "FILE", description = "the configuration file")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = parent.root.out;
            ConfigResult result = ConfigLoader.load(file);
            try {
                if (result instanceof ConfigResult.Invalid invalid) {
                    out.println(invalid.render());
                    return ExitCode.CONFIG_INVALID.value;
                }
                out.println(((ConfigResult.Valid) result).config().file() + ": valid");
                return ExitCode.OK.value;
            } finally {
                out.flush();
            }
        }
    }

    /** Parses {@code 250ms}, {@code 10s}, {@code 2m}. */
    static Duration parseDuration(String text) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
        if (!m.matches()) {
            throw new CliException(
                    ExitCode.USAGE, "not a duration: '" + text + "' (use e.g. 500ms, 30s, 2m)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /**
     * Renders a status document as an aligned two-column table, section by section; a nested
     * section (such as {@code replication.registry}) is indented under its parent, and a list (such
     * as the kept-aside files) gets a line per item.
     */
    static final class StatusTable {
        static String render(JsonNode s) {
            StringBuilder b = new StringBuilder();
            render(b, s, 0);
            return b.toString();
        }

        private static void render(StringBuilder b, JsonNode object, int depth) {
            String indent = "  ".repeat(depth);
            int width = Math.max(1, 24 - indent.length());
            object.fields()
                    .forEachRemaining(
                            f -> {
                                JsonNode v = f.getValue();
                                if (v.isObject() && v.size() > 0) {
                                    b.append(indent).append(f.getKey()).append('\n');
                                    render(b, v, depth + 1);
                                } else if (v.isArray()
                                        && v.size() > 0
                                        && allValues(v)
                                        && depth > 0) {
                                    b.append(indent).append(f.getKey()).append('\n');
                                    v.forEach(
                                            item ->
                                                    b.append(indent)
                                                            .append("  - ")
                                                            .append(item.asText())
                                                            .append('\n'));
                                } else if (v.isArray() && v.size() > 0 && allObjects(v)) {
                                    // Such as the mirrored directories: each item under a line
                                    // that names it by its first field.
                                    b.append(indent).append(f.getKey()).append('\n');
                                    v.forEach(
                                            item -> {
                                                String first = item.fieldNames().next();
                                                b.append(indent)
                                                        .append("  - ")
                                                        .append(item.path(first).asText())
                                                        .append('\n');
                                                com.fasterxml.jackson.databind.node.ObjectNode
                                                        rest = item.deepCopy();
                                                rest.remove(first);
                                                render(b, rest, depth + 2);
                                            });
                                } else {
                                    b.append(
                                            String.format(
                                                    "%s%-" + width + "s %s%n",
                                                    indent,
                                                    f.getKey(),
                                                    text(v)));
                                }
                            });
        }

        private static boolean allObjects(JsonNode array) {
            for (JsonNode item : array) {
                if (!item.isObject() || item.size() == 0) {
                    return false;
                }
            }
            return true;
        }

        private static boolean allValues(JsonNode array) {
            for (JsonNode item : array) {
                if (!item.isValueNode()) {
                    return false;
                }
            }
            return true;
        }

        private static String text(JsonNode v) {
            return v.isValueNode() ? v.asText() : v.toString();
        }
    }

    /** One event per line: time, what changed, why. */
    static final class EventLine {
        static String render(JsonNode e) {
            StringBuilder b = new StringBuilder(e.path("time").asText());
            b.append("  ").append(e.path("type").asText());
            if (e.has("what")) {
                // Registry replication and mirroring: what happened, with whom, and why or what it
                // cost.
                b.append("  ").append(e.path("what").asText());
                for (String f :
                        new String[] {
                            "role", "peer", "file", "dir", "directory", "path", "reason"
                        }) {
                    if (e.has(f)) {
                        b.append("  ").append(f).append('=').append(e.path(f).asText());
                    }
                }
                if (e.has("millis")) {
                    b.append("  ")
                            .append(e.path("millis").asText())
                            .append(" ms, ")
                            .append(e.path("bytes").asText())
                            .append(" bytes");
                }
            }
            if (e.has("from")) {
                b.append("  ")
                        .append(e.path("from").asText())
                        .append(" -> ")
                        .append(e.path("to").asText());
            }
            if (e.has("generation")) {
                b.append("  gen ").append(e.path("generation").asText());
            }
            if (e.has("cause")) {
                b.append("  ").append(e.path("cause").asText());
            }
            if (e.has("detail")) {
                b.append(": ").append(e.path("detail").asText());
            }
            return b.toString();
        }
    }
}
