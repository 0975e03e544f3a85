package io.switchover.daemon.probe;

import io.switchover.core.port.Reachability;
import java.util.Objects;

/**
 * One blocking reachability probe of one target. Runs on a probe thread, never on the core's; must
 * return by {@code deadlineNanos} (on {@link System#nanoTime()}'s scale) as best it can, and should
 * return early once {@code abort} fired.
 */
@FunctionalInterface
interface Prober {

    Result probe(ProbeTarget target, long deadlineNanos, Abort abort);

    /** The answer with what was seen, for the debug log. */
    record Result(Reachability reachability, String detail) {
        public Result {
            Objects.requireNonNull(reachability, "reachability");
            Objects.requireNonNull(detail, "detail");
        }

        static Result reachable(String detail) {
            return new Result(Reachability.REACHABLE, detail);
        }

        static Result unreachable(String detail) {
            return new Result(Reachability.UNREACHABLE, detail);
        }
    }
}
