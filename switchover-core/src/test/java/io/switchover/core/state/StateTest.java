package io.switchover.core.state;

import static io.switchover.core.state.State.BACKUP;
import static io.switchover.core.state.State.FAILED;
import static io.switchover.core.state.State.PRIMARY;
import static io.switchover.core.state.State.RECONNECTING;
import static io.switchover.core.state.State.STARTING;
import static io.switchover.core.state.State.STOPPED;
import static io.switchover.core.state.State.UPGRADE_HIGHER;
import static io.switchover.core.state.State.UPGRADE_LOWER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StateTest {

    /** The spec's "transitions that must exist", written out independently of the table. */
    private static final Map<State, Set<State>> SPEC =
            Map.of(
                    STARTING, EnumSet.of(BACKUP, UPGRADE_HIGHER, UPGRADE_LOWER, PRIMARY, STOPPED),
                    BACKUP,
                            EnumSet.of(
                                    RECONNECTING, PRIMARY, UPGRADE_HIGHER, UPGRADE_LOWER, STOPPED),
                    RECONNECTING, EnumSet.of(BACKUP, PRIMARY, STOPPED),
                    UPGRADE_HIGHER, EnumSet.of(PRIMARY, BACKUP, UPGRADE_LOWER, STOPPED),
                    UPGRADE_LOWER, EnumSet.of(PRIMARY, BACKUP, UPGRADE_HIGHER, STOPPED),
                    PRIMARY, EnumSet.of(FAILED, BACKUP, STOPPED),
                    FAILED, EnumSet.of(STARTING, STOPPED),
                    STOPPED, EnumSet.noneOf(State.class));

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (State from : State.values()) {
            for (State to : State.values()) {
                pairs.add(Arguments.of(from, to, SPEC.get(from).contains(to)));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("everyPair")
    void canMoveTo_everyPairOfStates_allowedExactlyWhenTheSpecSaysSo(
            State from, State to, boolean allowed) {
        assertThat(from.canMoveTo(to)).isEqualTo(allowed);
    }

    @Test
    void next_everyStateButStopped_canShutDown() {
        for (State s : State.values()) {
            assertThat(s.canMoveTo(STOPPED)).isEqualTo(s != STOPPED);
        }
        assertThat(STOPPED.next()).isEmpty();
    }

    @Test
    void automaticSwitchoverArmed_onlySameReleaseBackups() {
        assertThat(EnumSet.allOf(State.class))
                .filteredOn(State::automaticSwitchoverArmed)
                .containsExactlyInAnyOrder(BACKUP, RECONNECTING);
        assertThat(EnumSet.allOf(State.class))
                .filteredOn(State::isBackup)
                .containsExactlyInAnyOrder(BACKUP, RECONNECTING, UPGRADE_HIGHER, UPGRADE_LOWER);
    }

    @Test
    void isAutomaticSwitchover_exactlyTheFourConditions() {
        assertThat(EnumSet.allOf(Reason.Cause.class))
                .filteredOn(Reason.Cause::isAutomaticSwitchover)
                .containsExactlyInAnyOrder(
                        Reason.Cause.RECONNECT_ATTEMPTS_EXHAUSTED,
                        Reason.Cause.MODULE_DOWN,
                        Reason.Cause.PRIMARY_UNREACHABLE,
                        Reason.Cause.RECONNECT_INTERVAL_EXPIRED);
    }

    @Test
    void reason_blankDetail_rejectedBecauseEveryTransitionExplainsItself() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> Reason.of(Reason.Cause.SHUTDOWN, " "));
    }
}
