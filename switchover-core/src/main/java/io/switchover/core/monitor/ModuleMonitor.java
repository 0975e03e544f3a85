package io.switchover.core.monitor;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.port.Connection;
import io.switchover.core.port.PeerLink;
import io.switchover.core.port.PingOutcome;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Durations;
import io.switchover.core.time.Scheduler;
import io.switchover.core.time.StallWatch;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Pings the monitored module on the primary, through the primary's notifier, and signals {@link
 * ModuleEvent.Down} when it stops answering.
 *
 * <p>The failure sequence follows the source product's log sample: a failed ping within the error
 * budget is reissued after the retry delay with the regular timeout; when the failures on the first
 * connection reach the maximum, the count is reset and the alternate connection is tried; when they
 * reach the maximum there too, the module is signalled down and this monitor stops. Any answer
 * resets the count and returns to the preferred connection. A ping that timed out while this
 * process itself stalled is not counted: a fresh one goes out at once.
 *
 * <p>Never decides anything beyond "the module does not answer": whether that means the module, the
 * notifier or the network is down is the primary monitor's analysis.
 */
public final class ModuleMonitor {

    private final CoreConfig config;
    private final Scheduler scheduler;
    private final PeerLink link;
    private final StallWatch stalls;
    private final Consumer<ModuleEvent> listener;

    private boolean running;

    /** Bumped on every stop, so that outcomes of pings sent before it are ignored. */
    private int epoch;

    private int failures;
    private Connection via = Connection.MAIN;
    private boolean onAlternate;
    private Cancellable pending = Cancellable.DONE;

    public ModuleMonitor(
            CoreConfig config,
            Scheduler scheduler,
            PeerLink link,
            StallWatch stalls,
            Consumer<ModuleEvent> listener) {
        this.config = config;
        this.scheduler = scheduler;
        this.link = link;
        this.stalls = stalls;
        this.listener = listener;
    }

    /** Starts pinging now, with a fresh error budget. Does nothing if already running. */
    public void start() {
        if (running) {
            return;
        }
        running = true;
        freshCycle();
        ping();
    }

    /** Stops; an outstanding ping is cancelled and its outcome ignored. */
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        epoch++;
        pending.cancel();
        pending = Cancellable.DONE;
    }

    /** Stops and starts again with a fresh error budget. */
    public void restart() {
        stop();
        start();
    }

    public boolean isRunning() {
        return running;
    }

    private void freshCycle() {
        failures = 0;
        onAlternate = false;
        via =
                link.isConnected(Connection.MAIN) || !link.isConnected(Connection.AUXILIARY)
                        ? Connection.MAIN
                        : Connection.AUXILIARY;
    }

    private void ping() {
        int sentIn = epoch;
        Connection used = via;
        StallWatch.Timing timing = stalls.time(config.modulePingTimeout());
        pending =
                link.sendModulePing(
                        used,
                        config.modulePingTimeout(),
                        outcome -> {
                            if (sentIn == epoch) {
                                onOutcome(used, outcome, timing.overran());
                            }
                        });
    }

    private void onOutcome(Connection used, PingOutcome outcome, boolean duringStall) {
        pending = Cancellable.DONE;
        if (duringStall && outcome.kind() == PingOutcome.Kind.TIMEOUT) {
            // It timed out while this process was not running: ask again, uncounted.
            ping();
            return;
        }
        switch (outcome.kind()) {
            case SUCCESS -> {
                freshCycle();
                pingAfter(config.modulePingInterval());
                listener.accept(new ModuleEvent.Answered(used));
            }
            case TIMEOUT, REJECTED, CONNECTION_LOSS -> onFailure(used, outcome);
            case CANCELLED -> {
                // Only this monitor cancels its pings, and only when stopping.
            }
        }
    }

    private void onFailure(Connection used, PingOutcome outcome) {
        failures++;
        ModuleEvent.Failed failed =
                new ModuleEvent.Failed(used, outcome, failures, config.moduleMaxFailures());
        if (failures < config.moduleMaxFailures()) {
            pingAfter(config.moduleRetryDelay());
            listener.accept(failed);
        } else if (!onAlternate) {
            failures = 0;
            onAlternate = true;
            via = used.other();
            pingAfter(config.moduleRetryDelay());
            listener.accept(failed);
        } else {
            // Stop before telling, so that the listener finds this monitor already stopped.
            stop();
            listener.accept(failed);
            listener.accept(
                    new ModuleEvent.Down(
                            "module did not answer "
                                    + config.moduleMaxFailures()
                                    + " pings over "
                                    + used.other()
                                    + " nor "
                                    + config.moduleMaxFailures()
                                    + " over "
                                    + used
                                    + " (timeout "
                                    + Durations.format(config.modulePingTimeout())
                                    + "); last "
                                    + outcome.describe()));
        }
    }

    private void pingAfter(Duration delay) {
        int scheduledIn = epoch;
        StallWatch.Timing timing = stalls.time(delay);
        pending =
                scheduler.schedule(
                        delay,
                        () -> {
                            if (scheduledIn == epoch) {
                                timing.overran();
                                ping();
                            }
                        });
    }
}
