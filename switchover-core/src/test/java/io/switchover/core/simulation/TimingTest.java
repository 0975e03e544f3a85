package io.switchover.core.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.config.CoreConfig;
import io.switchover.core.state.State;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The formulas of {@code docs/timing.md}, one test per failure class and profile: a pair forms, the
 * fault strikes on the primary right after the backup's last answered ping (the phase that makes
 * detection take longest), and the backup's transitions must come when the formula says, give or
 * take the network's few milliseconds of latency.
 *
 * <p>Detection is the backup leaving BACKUP (to RECONNECTING); takeover is its promotion.
 */
class TimingTest {

    /** The formulas leave out network latency: pings, answers and diagnoses take a few ms. */
    private static final Duration TOLERANCE = Duration.ofMillis(10);

    private static CoreConfig config(Profile profile) {
        return profile.configure(CoreConfig.builder("n", "h")).build();
    }

    /** The measured detection and takeover delays after the fault. */
    private record Measured(Duration detection, Duration takeover) {}

    private interface Fault {
        void strike(Pair pair);
    }

    private static Measured measure(
            Profile profile, boolean idleDetection, boolean afterModulePing, Fault fault) {
        Pair pair = new Pair(profile.ordinal(), config(profile), profile.transport(idleDetection));
        pair.started();
        pair.time.advance(profile.scaled(Duration.ofSeconds(30)));
        long[] struck = {0};
        pair.network.afterNextAnswer(
                afterModulePing,
                () -> {
                    struck[0] = pair.time.nanos();
                    fault.strike(pair);
                });
        pair.runUntil(() -> pair.b.state() == State.PRIMARY, Duration.ofMinutes(10));
        return new Measured(
                pair.firstTransitionTo(pair.b, State.RECONNECTING, struck[0]),
                pair.firstTransitionTo(pair.b, State.PRIMARY, struck[0]));
    }

    private static void assertNear(Duration measured, Duration formula) {
        assertThat(measured).isBetween(formula, formula.plus(TOLERANCE));
    }

    private static Duration min(Duration x, Duration y) {
        return x.compareTo(y) <= 0 ? x : y;
    }

    // ---- The formulas, as docs/timing.md states them ----

    /** ping.delay + (ping.retry-max + 1) x ping.timeout: the routine ping and its retries. */
    private static Duration unansweredPings(CoreConfig c) {
        return c.pingDelay().plus(c.pingTimeout().multipliedBy(c.pingRetryMax() + 1L));
    }

    /** Reconnect attempts that each fail at once, or the interval if it is shorter. */
    private static Duration attemptsFailingAtOnce(CoreConfig c) {
        return min(
                c.reconnectAttemptDelay().multipliedBy(c.reconnectAttempts()),
                c.reconnectInterval());
    }

    /** Reconnect attempts that each time out, or the interval if it is shorter. */
    private static Duration attemptsTimingOut(CoreConfig c) {
        return min(
                c.reconnectAttemptDelay().plus(c.pingTimeout()).multipliedBy(c.reconnectAttempts()),
                c.reconnectInterval());
    }

    /**
     * module.ping-interval + 2 x module.max-failures x module.ping-timeout + (2 x max-failures - 1)
     * x module.retry-delay, then module.confirm-pings x module.ping-timeout with retry delays
     * between them.
     */
    private static Duration moduleSignalledAndConfirmed(CoreConfig c) {
        int failures = 2 * c.moduleMaxFailures();
        Duration down =
                c.modulePingInterval()
                        .plus(c.modulePingTimeout().multipliedBy(failures))
                        .plus(c.moduleRetryDelay().multipliedBy(failures - 1L));
        int confirm = c.moduleConfirmPings();
        return down.plus(c.modulePingTimeout().multipliedBy(confirm))
                .plus(c.moduleRetryDelay().multipliedBy(Math.max(0, confirm - 1L)));
    }

    // ---- One test per failure class ----

    @ParameterizedTest(name = "{0} profile")
    @EnumSource(Profile.class)
    void processDeathWithConnectionReset_detectedAtTheNextPingTakenOverAfterTheAttempts(
            Profile profile) {
        CoreConfig c = config(profile);

        Measured m = measure(profile, true, false, pair -> pair.a.crash());

        assertNear(m.detection(), c.pingDelay());
        assertNear(m.takeover(), c.pingDelay().plus(attemptsFailingAtOnce(c)));
    }

    @ParameterizedTest(name = "{0} profile")
    @EnumSource(Profile.class)
    void silentHang_connectionsStayUp_detectedAfterThePingsTimeOutTakenOverAfterTheAttempts(
            Profile profile) {
        CoreConfig c = config(profile);

        Measured m = measure(profile, false, false, pair -> pair.a.freeze());

        assertNear(m.detection(), unansweredPings(c));
        assertNear(m.takeover(), unansweredPings(c).plus(attemptsTimingOut(c)));
    }

    @ParameterizedTest(name = "{0} profile")
    @EnumSource(Profile.class)
    void silentHang_transportIdleTimeoutShorter_becomesAConnectionLossAtTheIdleTimeout(
            Profile profile) {
        CoreConfig c = config(profile);
        Duration idle = profile.transport(true).idleTimeout();

        Measured m = measure(profile, true, false, pair -> pair.a.freeze());

        assertNear(m.detection(), idle);
        assertNear(m.takeover(), idle.plus(attemptsFailingAtOnce(c)));
    }

    @ParameterizedTest(name = "{0} profile")
    @EnumSource(Profile.class)
    void linkLoss_silent_detectedAfterThePingsAndTheHostPingTakenOverAtOnce(Profile profile) {
        CoreConfig c = config(profile);

        Measured m =
                measure(
                        profile,
                        false,
                        false,
                        pair -> {
                            pair.network.linkCut = true;
                            pair.network.changed(false);
                        });

        Duration formula = unansweredPings(c).plus(c.peerHostPingTimeout());
        assertNear(m.detection(), formula);
        assertNear(m.takeover(), formula);
    }

    @ParameterizedTest(name = "{0} profile")
    @EnumSource(Profile.class)
    void linkLoss_transportIdleTimeoutShorter_detectedAtTheIdleTimeoutPlusTheHostPing(
            Profile profile) {
        CoreConfig c = config(profile);
        Duration idle = profile.transport(true).idleTimeout();

        Measured m =
                measure(
                        profile,
                        true,
                        false,
                        pair -> {
                            pair.network.linkCut = true;
                            pair.network.changed(false);
                        });

        Duration formula = idle.plus(c.peerHostPingTimeout());
        assertNear(m.detection(), formula);
        assertNear(m.takeover(), formula);
    }

    @ParameterizedTest(name = "{0} profile")
    @EnumSource(Profile.class)
    void moduleDown_signalledConfirmedAndTakenOverAtOnce(Profile profile) {
        CoreConfig c = config(profile);

        Measured m =
                measure(
                        profile,
                        true,
                        true,
                        pair -> pair.a.module = SimulatedNode.ModuleFault.HANG);

        assertNear(m.detection(), moduleSignalledAndConfirmed(c));
        assertNear(m.takeover(), moduleSignalledAndConfirmed(c));
    }

    @ParameterizedTest(name = "{0} profile")
    @EnumSource(Profile.class)
    void primaryHostUnreachable_legacy_takenOverAtTheNextPingAfterOneHostPing(Profile profile) {
        CoreConfig c = config(profile);

        Measured m =
                measure(
                        profile,
                        true,
                        false,
                        pair -> {
                            pair.a.hostUp = false;
                            pair.a.crash();
                            // The backup's stack reports the connections lost (host unreachable).
                            pair.network.changed(true);
                        });

        Duration formula = c.pingDelay().plus(c.peerHostPingTimeout());
        assertNear(m.detection(), formula);
        assertNear(m.takeover(), formula);
    }
}
