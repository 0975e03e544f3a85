package io.switchover.core.monitor;

import io.switchover.core.port.Connection;
import io.switchover.core.port.PingOutcome;
import java.util.Objects;

/** A problem the primary monitor found and analysed, before any verdict is acted on. */
public sealed interface Problem {

    /** One line naming the evidence, for the transition reason. */
    String describe();

    /** Notifier pings failed and the retries ran out. */
    record NotifierUnresponsive(Connection lastVia, PingOutcome lastOutcome, int retries)
            implements Problem {
        public NotifierUnresponsive {
            Objects.requireNonNull(lastVia, "lastVia");
            Objects.requireNonNull(lastOutcome, "lastOutcome");
        }

        @Override
        public String describe() {
            return "notifier ping over "
                    + lastVia
                    + " "
                    + lastOutcome.describe()
                    + " after "
                    + retries
                    + (retries == 1 ? " retry" : " retries");
        }
    }

    /**
     * The module monitor signalled "module down" and the confirmation pings got no answer (or did:
     * the verdict says which).
     */
    record ModuleNotResponding(String detail, int confirmPings, boolean answered)
            implements Problem {
        public ModuleNotResponding {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String describe() {
            String confirmation =
                    confirmPings == 0
                            ? "no confirmation ping configured"
                            : answered
                                    ? "a confirmation ping was answered"
                                    : confirmPings + " confirmation ping(s) unanswered";
            return detail + "; " + confirmation;
        }
    }
}
