package io.switchover.daemon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ConfigLoader#load(Path)} found: a configuration proven valid, or every problem in the
 * file. Callers branch with {@code instanceof}:
 *
 * <pre>{@code
 * ConfigResult result = ConfigLoader.load(file);
 * if (result instanceof ConfigResult.Invalid invalid) {
 *     System.err.println(invalid.render());
 *     return EXIT_CONFIG;
 * }
 * DaemonConfig config = ((ConfigResult.Valid) result).config();
 * }</pre>
 */
public sealed interface ConfigResult {

    /** Every problem found; empty exactly when the configuration is valid. */
    List<ConfigProblem> problems();

    /**
     * The configuration, for callers to whom an invalid file is a bug (tests, tools that validated
     * before).
     *
     * @throws IllegalStateException with {@link Invalid#render()} as its message
     */
    DaemonConfig orElseThrow();

    /** The file held a valid configuration. */
    record Valid(DaemonConfig config) implements ConfigResult {
        public Valid {
            Objects.requireNonNull(config, "config");
        }

        @Override
        public List<ConfigProblem> problems() {
            return List.of();
        }

        @Override
        public DaemonConfig orElseThrow() {
            return config;
        }
    }

    /** The file could not be used; {@code problems} holds all that was found, never none. */
    record Invalid(Path file, List<ConfigProblem> problems) implements ConfigResult {
        public Invalid {
            Objects.requireNonNull(file, "file");
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid configuration has problems");
            }
        }

        /**
         * A header naming the file and the count, then one indented line per problem:
         *
         * <pre>
         * /etc/switchover/switchover.yaml: 2 problems
         *   ping.delay: "0s" must be between 1ms and 600s
         *   peer.id: is required
         * </pre>
         */
        public String render() {
            StringBuilder out =
                    new StringBuilder(file.toString())
                            .append(": ")
                            .append(problems.size())
                            .append(problems.size() == 1 ? " problem" : " problems");
            for (ConfigProblem problem : problems) {
                out.append(System.lineSeparator()).append("  ").append(problem.render());
            }
            return out.toString();
        }

        @Override
        public DaemonConfig orElseThrow() {
            throw new IllegalStateException(render());
        }
    }
}
