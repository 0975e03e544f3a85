package io.switchover.daemon.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.core.state.State;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HookRoleTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "PRIMARY, PRIMARY",
        "BACKUP, BACKUP",
        "RECONNECTING, BACKUP",
        "UPGRADE_HIGHER, BACKUP",
        "UPGRADE_LOWER, BACKUP",
        "FAILED, FAILED",
        "STARTING, ",
        "STOPPED, ",
    })
    void of_everyState_mapsToItsHookRole(State state, HookRole role) {
        assertThat(HookRole.of(state).orElse(null)).isEqualTo(role);
    }
}
