package io.switchover.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The core's promises about itself, checked on its own sources. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/io/switchover/core");

    private static List<Path> sources(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "main code never uses {0}")
    @ValueSource(
            strings = {
                "System.currentTimeMillis",
                "System.nanoTime",
                "Instant.now",
                "LocalDateTime.now",
                "Thread.sleep",
                "new Thread",
                "Executors.",
                "java.util.concurrent",
                "synchronized",
                "io.netty",
                "java.io.File",
                "java.net.",
                "java.nio.file"
            })
    void mainSources_noWallClockThreadsOrIo(String forbidden) {
        assertThat(sources(MAIN))
                .isNotEmpty()
                .allSatisfy(f -> assertThat(read(f)).as(f.toString()).doesNotContain(forbidden));
    }

    @ParameterizedTest(name = "{0} does not depend on {1}")
    @CsvSource({
        "time, config",
        "time, port",
        "time, diagnosis",
        "time, monitor",
        "time, state",
        "config, port",
        "config, diagnosis",
        "config, monitor",
        "config, state",
        "diagnosis, monitor",
        "diagnosis, state",
        "monitor, state",
        "mirror, config",
        "mirror, port",
        "mirror, diagnosis",
        "mirror, monitor",
        "mirror, state",
        "mirror, registry",
    })
    void packages_dependenciesPointInward(String from, String to) {
        assertThat(sources(MAIN.resolve(from)))
                .allSatisfy(
                        f ->
                                assertThat(read(f))
                                        .as(f.toString())
                                        .doesNotContain("import io.switchover.core." + to + "."));
    }

    @ParameterizedTest(name = "package {0} says what lives there")
    @ValueSource(strings = {"time", "port", "config", "diagnosis", "monitor", "state", "mirror"})
    void packages_eachHasPackageInfo(String name) {
        assertThat(MAIN.resolve(name).resolve("package-info.java")).exists();
    }
}
