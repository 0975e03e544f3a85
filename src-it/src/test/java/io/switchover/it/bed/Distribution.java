package io.switchover.it.bed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The packaged daemon the suite runs: {@code monitor-daemon/target/switchover-<v>-dist/
 * switchover-<v>/}, built by the reactor before this module's tests. Found by looking, not by
 * guessing the version, so a version bump does not break the suite.
 */
public record Distribution(Path home) {

    public Path switchoverd() {
        return home.resolve("bin/switchoverd");
    }

    public Path switchoverctl() {
        return home.resolve("bin/switchoverctl");
    }

    /**
     * Finds the unpacked distribution under {@code ../monitor-daemon/target} (the tests run in
     * {@code src-it}), or {@code -Dswitchover.dist=DIR}.
     *
     * @throws IllegalStateException naming the command that builds it, when it is missing
     */
    public static Distribution locate() {
        String override = System.getProperty("switchover.dist");
        if (override != null && !override.isBlank()) {
            return check(Path.of(override));
        }
        Path sibling = Path.of("").toAbsolutePath().resolveSibling("monitor-daemon");
        Path target =
                (Files.isDirectory(sibling) ? sibling : Path.of("monitor-daemon").toAbsolutePath())
                        .resolve("target");
        try (Stream<Path> dists = Files.isDirectory(target) ? Files.list(target) : Stream.empty()) {
            Path home =
                    dists.filter(p -> p.getFileName().toString().matches("switchover-.*-dist"))
                            .filter(Files::isDirectory)
                            .flatMap(Distribution::children)
                            .filter(p -> Files.isExecutable(p.resolve("bin/switchoverd")))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "no packaged switchover distribution under "
                                                            + target
                                                            + ": build it first with `mvn -B -ntp"
                                                            + " -DskipTests package -pl"
                                                            + " monitor-daemon -am` (or run the"
                                                            + " whole reactor: `mvn -B -ntp"
                                                            + " verify`)"));
            return check(home);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + target + ": " + e, e);
        }
    }

    private static Stream<Path> children(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static Distribution check(Path home) {
        Distribution dist = new Distribution(home.toAbsolutePath().normalize());
        if (!Files.isExecutable(dist.switchoverd()) || !Files.isExecutable(dist.switchoverctl())) {
            throw new IllegalStateException(
                    "not a switchover distribution (bin/switchoverd, bin/switchoverctl missing): "
                            + home);
        }
        return dist;
    }
}
