package io.switchover.daemon.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * How the daemon on the primary asks the monitored module whether it is up, when the backup's
 * module ping arrives ({@code module.check}). Exactly one kind per configuration.
 */
public sealed interface ModuleCheck {

    /** The word for this kind in {@code module.check.type}. */
    String type();

    /** Up when a TCP connection to {@code target} is accepted. */
    record Tcp(HostPort target) implements ModuleCheck {
        public Tcp {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public String type() {
            return "tcp";
        }
    }

    /** Up when an HTTP GET of {@code url} answers with {@code expectStatus}. */
    record Http(URI url, int expectStatus) implements ModuleCheck {
        public Http {
            Objects.requireNonNull(url, "url");
        }

        @Override
        public String type() {
            return "http";
        }
    }

    /**
     * Up when the command exits with status 0. {@code command.get(0)} is an absolute path when the
     * file named one (relative paths resolved against the configuration's directory), else a
     * program name searched on {@code PATH} when the check runs.
     */
    record Command(List<String> command) implements ModuleCheck {
        public Command {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("a command check needs a program");
            }
        }

        @Override
        public String type() {
            return "command";
        }
    }

    /**
     * The application registers itself with its local daemon at {@code listen} and answers module
     * pings itself.
     */
    record Registered(HostPort listen) implements ModuleCheck {
        public Registered {
            Objects.requireNonNull(listen, "listen");
        }

        @Override
        public String type() {
            return "registered";
        }
    }
}
