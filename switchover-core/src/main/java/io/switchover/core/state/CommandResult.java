package io.switchover.core.state;

import java.util.Objects;

/** The answer to an operator command: accepted, or refused with the reason. */
public sealed interface CommandResult {

    String detail();

    static CommandResult accepted(String detail) {
        return new Accepted(detail);
    }

    static CommandResult refused(String reason) {
        return new Refused(reason);
    }

    record Accepted(String detail) implements CommandResult {
        public Accepted {
            Objects.requireNonNull(detail, "detail");
        }
    }

    record Refused(String detail) implements CommandResult {
        public Refused {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
