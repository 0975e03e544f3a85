package io.switchover.core.diagnosis;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Clock;
import io.switchover.core.time.Durations;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.Optional;

/**
 * The backup's running view of its own side of the network, so that a switchover never rests on a
 * moment of good network in the middle of a flapping link.
 *
 * <p>A diagnosis looks at the backup's network once. A backup whose own link flaps (down and up
 * every few hundred milliseconds) can see its pings to the primary fail while its link is down,
 * then diagnose during a moment it is up, find its own network good and take over from a primary
 * that was fine all along. So while automatic switchover is armed this watch samples the own-side
 * rule (gateway or NetTest, whichever the diagnosis would use) every half {@code ping.delay}, and
 * the diagnoses report what they find to it too. Half the ping delay, so that any outage of the
 * backup's link long enough to fail a routine ping round is seen; a shorter one is absorbed by the
 * pings' own retries. The own network counts as <em>settled</em> once no sample or diagnosis has
 * found it isolating for {@link #settlePeriod}: {@code ping.delay + (ping.retry-max + 1) x
 * ping.timeout}, the span of the failed pings a silent failure is detected by, so that evidence
 * against the primary was gathered while the backup's own network was good.
 *
 * <p>With neither gateway ping nor NetTest configured nothing can show the backup isolated (as for
 * the isolation guard), and the watch does nothing. It decides nothing either: the reconnection
 * asks {@link #unsettled} before promoting.
 */
public final class OwnNetworkWatch {
    private final CoreConfig config;
    private final Clock clock;
    private final Scheduler scheduler;
    private final NetworkDiagnosis diagnosis;
    private final Duration settlePeriod;

    private boolean running;
    private Cancellable timer = Cancellable.DONE;
    private Cancellable sample = Cancellable.DONE;

    /** The last isolating status seen, and when (core clock); null while none was seen. */
    private NetworkStatus lastIsolating;

    private long lastIsolatingNanos;

    /** What the last own-side sample found; null while none ran (or none is configured). */
    private NetworkStatus lastSampled;

    public OwnNetworkWatch(
            CoreConfig config, Clock clock, Scheduler scheduler, NetworkDiagnosis diagnosis) {
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        this.diagnosis = diagnosis;
        this.settlePeriod =
                config.pingDelay()
                        .plus(config.pingTimeout().multipliedBy(config.pingRetryMax() + 1L));
    }

    /** How long the own network must have been good before a switchover. */
    public Duration settlePeriod() {
        return settlePeriod;
    }

    /** Starts sampling every half {@code ping.delay}; does nothing if already running. */
    public void start() {
        if (running) {
            return;
        }
        running = true;
        takeSample();
    }

    /** Stops sampling; what was seen is kept (it ages out by itself). */
    public void stop() {
        running = false;
        timer.cancel();
        sample.cancel();
    }

    /** A diagnosis found {@code status}: an isolating one counts as a bad sample. */
    public void observed(NetworkStatus status) {
        if (status.isolatesBackup()) {
            lastIsolating = status;
            lastIsolatingNanos = clock.nanos();
        }
    }

    /**
     * Why the own network is not settled yet, in words for a reason or a log line; empty when no
     * sample or diagnosis found it isolating within the last {@link #settlePeriod}.
     */
    public Optional<String> unsettled() {
        if (lastIsolating == null) {
            return Optional.empty();
        }
        Duration ago = Duration.ofNanos(clock.nanosSince(lastIsolatingNanos));
        if (ago.compareTo(settlePeriod) >= 0) {
            return Optional.empty();
        }
        return Optional.of(
                "this backup's own network was "
                        + lastIsolating
                        + " "
                        + Durations.format(ago)
                        + " ago and must stay good for "
                        + Durations.format(settlePeriod)
                        + " first");
    }

    /**
     * A short account for a promotion's reason, e.g. "own network good for the last 12s (last
     * NETTEST_UNREACHABLE)"; empty when nothing about the own side is configured or seen.
     */
    public Optional<String> describe() {
        if (lastIsolating != null) {
            return Optional.of(
                    "own network good for the last "
                            + Durations.format(
                                    Duration.ofNanos(clock.nanosSince(lastIsolatingNanos)))
                            + " (last "
                            + lastIsolating
                            + ")");
        }
        return Optional.ofNullable(lastSampled)
                .map(status -> "own network " + status + " at every check");
    }

    private void takeSample() {
        if (!running) {
            return;
        }
        sample =
                diagnosis.checkOwnSide(
                        status -> {
                            if (!running) {
                                return;
                            }
                            if (status.isEmpty()) {
                                // Nothing configured that could show this node isolated.
                                running = false;
                                return;
                            }
                            lastSampled = status.get();
                            observed(status.get());
                            timer =
                                    scheduler.schedule(
                                            config.pingDelay().dividedBy(2), this::takeSample);
                        });
    }
}
