package io.switchover.core.monitor;

import java.time.Duration;

/**
 * The answer to the state machine's periodic poll of the module monitor.
 *
 * @param tracking false while tracking is suspended (reconnecting, analysing, stopped)
 * @param sinceLastEvent time since the module monitor last reported anything (zero when not
 *     tracking)
 * @param restartRequested true on the poll that found the gap too long and requested a restart
 */
public record ModuleMonitorLiveness(
        boolean tracking, Duration sinceLastEvent, Duration maxGap, boolean restartRequested) {

    static ModuleMonitorLiveness suspended(Duration maxGap) {
        return new ModuleMonitorLiveness(false, Duration.ZERO, maxGap, false);
    }
}
