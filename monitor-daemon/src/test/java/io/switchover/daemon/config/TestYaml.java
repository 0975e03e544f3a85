package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration file for a test: the smallest valid file, changed a top-level key at a time,
 * written into a temporary directory next to a valid secret file.
 */
final class TestYaml {

    /** 32 bytes and a newline: a valid shared secret. */
    static final String SECRET = "0123456789abcdef0123456789abcdef\n";

    private static final List<String> MINIMAL =
            List.of(
                    "cluster: test",
                    "node: {id: node-a}",
                    "peer: {id: node-b, host: 10.0.0.2}",
                    "notifier: {secret-file: secret}",
                    "module: {check: {type: tcp, target: 127.0.0.1:8080}}");

    private final List<String> lines;

    private TestYaml(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    static TestYaml minimal() {
        return new TestYaml(MINIMAL);
    }

    /** Replaces the top-level key's line, or appends one: {@code with("ping", "{delay: 1s}")}. */
    TestYaml with(String key, String value) {
        List<String> changed = new ArrayList<>();
        boolean replaced = false;
        for (String line : lines) {
            if (line.startsWith(key + ":")) {
                changed.add(key + ": " + value);
                replaced = true;
            } else {
                changed.add(line);
            }
        }
        if (!replaced) {
            changed.add(key + ": " + value);
        }
        return new TestYaml(changed);
    }

    TestYaml without(String key) {
        List<String> changed = new ArrayList<>(lines);
        changed.removeIf(line -> line.startsWith(key + ":"));
        return new TestYaml(changed);
    }

    String text() {
        return String.join("\n", lines) + "\n";
    }

    /** Writes {@code switchover.yaml} (and {@code secret}, if the directory has none). */
    Path write(Path dir) {
        return TestYaml.write(dir, text());
    }

    ConfigResult load(Path dir) {
        return ConfigLoader.load(write(dir));
    }

    DaemonConfig valid(Path dir) {
        ConfigResult result = load(dir);
        assertThat(result.problems()).isEmpty();
        return result.orElseThrow();
    }

    List<ConfigProblem> problems(Path dir) {
        return load(dir).problems();
    }

    /** The one problem at {@code path}, failing when there is none or several. */
    ConfigProblem problemAt(Path dir, String path) {
        List<ConfigProblem> found =
                problems(dir).stream().filter(p -> p.path().equals(path)).toList();
        assertThat(found).as("problems at %s", path).hasSize(1);
        return found.get(0);
    }

    static Path write(Path dir, String yaml) {
        try {
            Path secret = dir.resolve("secret");
            if (!Files.exists(secret)) {
                Files.writeString(secret, SECRET);
            }
            return Files.write(
                    dir.resolve("switchover.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path executable(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "#!/bin/sh\nexit 0\n");
            file.toFile().setExecutable(true);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> renderAll(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::render).toList();
    }
}
