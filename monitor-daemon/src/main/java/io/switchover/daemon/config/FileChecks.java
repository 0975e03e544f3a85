package io.switchover.daemon.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks on the files a configuration names, made at load time so that a missing certificate or a
 * hook without its execute bit stops the daemon before it starts instead of at the first
 * switchover. Each returns the problem, phrased to follow the value, naming the resolved path.
 */
final class FileChecks {

    private FileChecks() {}

    static Optional<String> readableFile(Path file) {
        if (!Files.exists(file)) {
            return Optional.of("does not exist: " + file);
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of("is not a regular file: " + file);
        }
        if (!Files.isReadable(file)) {
            return Optional.of("is not readable by this user: " + file);
        }
        return Optional.empty();
    }

    static Optional<String> executableFile(Path file) {
        Optional<String> unreadable = readableFile(file);
        if (unreadable.isPresent()) {
            return unreadable;
        }
        if (!Files.isExecutable(file)) {
            return Optional.of("is not executable (chmod +x): " + file);
        }
        return Optional.empty();
    }

    /** A directory the daemon creates when missing; only something else in its place is wrong. */
    static Optional<String> directoryOrAbsent(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return Optional.of("is not a directory: " + dir);
        }
        return Optional.empty();
    }
}
