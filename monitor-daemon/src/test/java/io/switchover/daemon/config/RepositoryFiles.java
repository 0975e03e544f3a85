package io.switchover.daemon.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository that tests check: the example configurations and the docs. */
final class RepositoryFiles {

    private RepositoryFiles() {}

    /** The repository's root: the nearest directory up from the working one holding config/. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("config/examples"))
                    && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("run the tests inside the repository");
    }
}
