package io.switchover.core.monitor;

import io.switchover.core.port.Connection;
import io.switchover.core.port.PingOutcome;
import java.util.Objects;

/** What the module monitor tells the primary monitor after each module ping. */
public sealed interface ModuleEvent {

    /** The module answered over {@code via}; the failure count is back to zero. */
    record Answered(Connection via) implements ModuleEvent {
        public Answered {
            Objects.requireNonNull(via, "via");
        }
    }

    /** A module ping failed; {@code failures} of {@code maxFailures} on {@code via} so far. */
    record Failed(Connection via, PingOutcome outcome, int failures, int maxFailures)
            implements ModuleEvent {
        public Failed {
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /**
     * The module did not answer within the error budget on either connection; the module monitor
     * has stopped itself.
     */
    record Down(String detail) implements ModuleEvent {
        public Down {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
