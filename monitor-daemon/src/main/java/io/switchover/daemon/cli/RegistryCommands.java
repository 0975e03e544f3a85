package io.switchover.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchover.client.RegistryClient;
import io.switchover.client.RegistryClient.Change;
import io.switchover.client.RegistryClient.WatchEnd;
import io.switchover.client.RegistryClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code switchoverctl registry ...}: the registry from the command line, through {@link
 * RegistryClient} (the same library applications use). The daemon is found as for every other
 * command; a failure becomes an exit code by its kind ({@link #explain}) with a message that says
 * what to do.
 */
@Command(
        name = "registry",
        description = "Read, write, watch, export and import the replicated registry.",
        subcommands = {
            RegistryCommands.Get.class,
            RegistryCommands.Put.class,
            RegistryCommands.Delete.class,
            RegistryCommands.Ls.class,
            RegistryCommands.Watch.class,
            RegistryCommands.Export.class,
            RegistryCommands.Import.class
        })
final class RegistryCommands implements Callable<Integer> {
    /** One JSON document per line. */
    private static final ObjectMapper LINE = new ObjectMapper();

    @ParentCommand Switchoverctl root;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "registry needs a subcommand: get, put, delete, ls, watch, export or import");
    }

    private RegistryClient client() {
        Switchoverctl.Target t = root.target();
        return RegistryClient.builder(t.base()).token(t.token()).build();
    }

    /** The exit code and advice for a registry failure; {@code key} is what the command named. */
    static CliException explain(RegistryClientException e, String key) {
        String m = e.getMessage();
        return switch (e.kind()) {
            case NOT_FOUND ->
                    new CliException(
                            ExitCode.NOT_FOUND,
                            m
                                    + "; 'switchoverctl registry ls "
                                    + parent(key)
                                    + "' lists what exists");
            case INVALID, LIMIT -> new CliException(ExitCode.INVALID, m);
            case NOT_PRIMARY ->
                    new CliException(
                            ExitCode.REFUSED,
                            m
                                    + "; writes go to the primary: run the command there (or pass its --url)");
            case UNAVAILABLE ->
                    new CliException(
                            ExitCode.UNAVAILABLE,
                            m
                                    + "; retry in a moment ('switchoverctl status' shows a switchover in"
                                    + " progress)");
            case UNAUTHORIZED ->
                    new CliException(ExitCode.AUTHENTICATION, "the daemon refused the token: " + m);
            case UNREACHABLE -> new CliException(ExitCode.DAEMON_NOT_RUNNING, m);
            case PROTOCOL -> new CliException(ExitCode.ERROR, m);
        };
    }

    /** The parent of a key path as typed, for advice; {@code /} when there is none. */
    static String parent(String key) {
        String k = key.endsWith("/") && key.length() > 1 ? key.substring(0, key.length() - 1) : key;
        int slash = k.lastIndexOf('/');
        return slash <= 0 ? "/" : k.substring(0, slash);
    }

    /** A registry call that the command makes; its failure is explained for {@code key}. */
    private interface Call<T> {
        T run(RegistryClient client) throws RegistryClientException, IOException;
    }

    private <T> T call(String key, Call<T> call) {
        try {
            return call.run(client());
        } catch (RegistryClientException e) {
            throw explain(e, key);
        } catch (IOException e) {
            throw new CliException(ExitCode.ERROR, "cannot write the output: " + e.getMessage());
        }
    }

    private PrintWriter out() {
        return root.out;
    }

    /** A value as printed in a line: as is when plain, JSON-quoted when it would be ambiguous. */
    static String printable(String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > ' ' && c != '"' && c != '=' && c != 0x7f;
        }
        if (plain) {
            return value;
        }
        try {
            return Switchoverctl.JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- commands

    @Command(
            name = "get",
            description =
                    "Print a key's values, one 'name = value' line each (lines of a multi-line value"
                            + " after the first are indented).")
    static final class Get implements Callable<Integer> {
        @ParentCommand RegistryCommands registry;

        @Parameters(paramLabel = "KEY", description = "the key, e.g. /Site/Lines/Line1")
        String key;

        @Option(names = "--json", description = "print {\"key\":...,\"values\":{...}}")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Optional<Map<String, String>> values = registry.call(key, c -> c.get(key));
            if (values.isEmpty()) {
                throw explain(
                        new RegistryClientException(
                                RegistryClientException.Kind.NOT_FOUND,
                                404,
                                "key '" + key + "' does not exist"),
                        key);
            }
            PrintWriter out = registry.out();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("key", key);
                doc.put("values", values.get());
                out.println(Switchoverctl.JSON.writeValueAsString(doc));
            } else {
                values.get().forEach((name, value) -> out.println(line(name, value)));
            }
            out.flush();
            return ExitCode.OK.value;
        }

        /** {@code name = value}, continuation lines aligned under the value. */
        static String line(String name, String value) {
            String prefix = name + " = ";
            String indent = " ".repeat(prefix.length());
            return prefix + value.replace("\n", "\n" + indent);
        }
    }

    @Command(
            name = "put",
            description =
                    "Create the key (and missing ancestors) and set values; its other values are"
                            + " kept. Writes are accepted by the primary only.")
    static final class Put implements Callable<Integer> {
        @ParentCommand RegistryCommands registry;

        @Parameters(index = "0", paramLabel = "KEY", description = "the key")
        String key;

        @Parameters(
                index = "1..*",
                paramLabel = "NAME=VALUE",
                description = "values to set (none: only create the key)")
        List<String> assignments = List.of();

        @Option(
                names = "--value-file",
                paramLabel = "NAME=FILE",
                description =
                        "set NAME to the content of FILE, exactly (multi-line values, certificates)")
        List<String> valueFiles = List.of();

        @Override
        public Integer call() {
            Map<String, String> values = new TreeMap<>();
            for (String a : assignments) {
                String[] nv = split(a, "NAME=VALUE");
                values.put(nv[0], nv[1]);
            }
            for (String f : valueFiles) {
                String[] nf = split(f, "--value-file NAME=FILE");
                values.put(nf[0], readFile(Path.of(nf[1])));
            }
            Change c = registry.call(key, client -> client.put(key, values));
            registry.out()
                    .printf(
                            "%s: %d value%s set (seq %d)%n",
                            c.key(), values.size(), values.size() == 1 ? "" : "s", c.seq());
            registry.out().flush();
            return ExitCode.OK.value;
        }

        private String[] split(String assignment, String form) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(
                        registry.spec.commandLine(),
                        "'" + assignment + "' is not " + form + " (e.g. speed=9600)");
            }
            return new String[] {assignment.substring(0, eq), assignment.substring(eq + 1)};
        }

        private static String readFile(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException(ExitCode.INVALID, "no file " + file + " for --value-file");
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.INVALID,
                        "cannot read "
                                + file
                                + " as UTF-8 text for --value-file: "
                                + e.getMessage());
            }
        }
    }

    @Command(
            name = "delete",
            description =
                    "Delete a key with its values and its whole subtree, or with --value one value.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand RegistryCommands registry;

        @Parameters(paramLabel = "KEY", description = "the key")
        String key;

        @Option(names = "--value", paramLabel = "NAME", description = "delete only this value")
        String value;

        @Override
        public Integer call() {
            Change c =
                    registry.call(
                            key,
                            client ->
                                    value == null
                                            ? client.deleteKey(key)
                                            : client.deleteValue(key, value));
            if (value == null) {
                registry.out().printf("deleted %s and its subtree (seq %d)%n", c.key(), c.seq());
            } else {
                registry.out()
                        .printf("deleted value %s of %s (seq %d)%n", c.name(), c.key(), c.seq());
            }
            registry.out().flush();
            return ExitCode.OK.value;
        }
    }

    @Command(name = "ls", description = "Print the names of a key's children, one per line.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand RegistryCommands registry;

        @Parameters(paramLabel = "KEY", defaultValue = "/", description = "the key (default /)")
        String key;

        @Override
        public Integer call() {
            List<String> children = registry.call(key, c -> c.children(key));
            children.forEach(registry.out()::println);
            registry.out().flush();
            return ExitCode.OK.value;
        }
    }

    @Command(
            name = "watch",
            description =
                    "Print every change at or under a key as it happens, one line each"
                            + " (seq, kind, key, values), until Ctrl-C.")
    static final class Watch implements Callable<Integer> {
        @ParentCommand RegistryCommands registry;

        @Parameters(paramLabel = "KEY", defaultValue = "/", description = "the key (default /)")
        String key;

        @Option(names = "--json", description = "print each change as a JSON line")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            CompletableFuture<WatchEnd> ended = new CompletableFuture<>();
            PrintWriter out = registry.out();
            RegistryClient.Watch watch =
                    registry.call(
                            key,
                            c ->
                                    c.watch(
                                            key,
                                            new RegistryClient.WatchListener() {
                                                @Override
                                                public void changed(Change change) {
                                                    out.println(render(change));
                                                    out.flush();
                                                }

                                                @Override
                                                public void ended(WatchEnd end) {
                                                    ended.complete(end);
                                                }
                                            }));
            registry.root.err.println("watching " + key + "; Ctrl-C stops");
            registry.root.err.flush();
            WatchEnd end;
            try {
                end = ended.get();
            } catch (InterruptedException e) {
                watch.close();
                throw e;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            return switch (end.reason()) {
                case CLOSED -> ExitCode.OK.value;
                case ENDED_BY_DAEMON ->
                        throw new CliException(
                                ExitCode.UNAVAILABLE,
                                "the daemon ended the watch: "
                                        + end.detail()
                                        + "; run the command again to watch again");
                case CONNECTION_LOST ->
                        throw new CliException(
                                ExitCode.DAEMON_NOT_RUNNING,
                                "lost the daemon: "
                                        + end.detail()
                                        + "; check it runs ('switchoverctl status'), then watch again");
                case LISTENER_FAILED ->
                        throw new CliException(
                                ExitCode.ERROR, "cannot print the changes: " + end.detail());
            };
        }

        private String render(Change c) {
            if (json) {
                try {
                    return LINE.writeValueAsString(c);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            StringBuilder b = new StringBuilder();
            b.append(c.seq()).append(' ').append(c.kind()).append(' ').append(c.key());
            switch (c.kind()) {
                case PUT ->
                        c.values()
                                .forEach(
                                        (n, v) ->
                                                b.append(' ')
                                                        .append(printable(n))
                                                        .append('=')
                                                        .append(printable(v)));
                case DELETE_VALUE -> b.append(' ').append(printable(c.name()));
                case DELETE_KEY -> {}
            }
            return b.toString();
        }
    }

    @Command(
            name = "export",
            description =
                    "Write a subtree as JSON Lines (a header, one line per key, an end line), to"
                            + " standard output or a file; 'registry import' reads it back.")
    static final class Export implements Callable<Integer> {
        @ParentCommand RegistryCommands registry;

        @Parameters(paramLabel = "KEY", defaultValue = "/", description = "the subtree (default /)")
        String key;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description =
                        "write to FILE (written whole or not at all) instead of standard output")
        Path output;

        @Override
        public Integer call() {
            if (output == null) {
                registry.call(key, c -> c.export(key, registry.out()));
                registry.out().flush();
                return ExitCode.OK.value;
            }
            Path partial = output.resolveSibling(output.getFileName() + ".partial");
            long keys;
            try {
                keys = registry.call(key, c -> exportTo(c, partial));
                Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.ERROR, "cannot write " + output + ": " + e.getMessage());
            } finally {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    registry.root.err.println("switchoverctl: could not remove " + partial);
                }
            }
            registry.out().printf("exported %d keys of %s to %s%n", keys, key, output);
            registry.out().flush();
            return ExitCode.OK.value;
        }

        private long exportTo(RegistryClient client, Path file)
                throws RegistryClientException, IOException {
            try (Writer w = Files.newBufferedWriter(file)) {
                return client.export(key, w);
            }
        }
    }

    @Command(
            name = "import",
            description =
                    "Write every key of an export (JSON Lines) into the registry, on the primary."
                            + " Keys are added or updated; nothing is deleted.")
    static final class Import implements Callable<Integer> {
        @ParentCommand RegistryCommands registry;

        @Parameters(paramLabel = "FILE", description = "the export file, or - for standard input")
        String file;

        @Override
        public Integer call() {
            long keys;
            try (InputStream in = open()) {
                keys = registry.client().importFrom(in);
            } catch (RegistryClientException e) {
                CliException c = explain(e, "/");
                if (c.code() == ExitCode.INVALID && e.getMessage().startsWith("line ")) {
                    throw new CliException(
                            ExitCode.INVALID,
                            from()
                                    + ", "
                                    + e.getMessage()
                                    + "; the keys before that line are written: fix the line and"
                                    + " import again");
                }
                throw c;
            } catch (IOException e) {
                throw new CliException(ExitCode.ERROR, "cannot read " + from() + ": " + e);
            }
            registry.out().printf("imported %d keys from %s%n", keys, from());
            registry.out().flush();
            return ExitCode.OK.value;
        }

        private String from() {
            return file.equals("-") ? "standard input" : file;
        }

        private InputStream open() {
            if (file.equals("-")) {
                return registry.root.in;
            }
            try {
                return Files.newInputStream(Path.of(file));
            } catch (NoSuchFileException e) {
                throw new CliException(ExitCode.INVALID, "no file " + file + " to import");
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.INVALID, "cannot read " + file + ": " + e.getMessage());
            }
        }
    }
}
