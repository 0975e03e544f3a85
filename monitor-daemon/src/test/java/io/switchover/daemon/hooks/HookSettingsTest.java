package io.switchover.daemon.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HookSettingsTest {

    @Test
    void scripts_configuredAndNot_returnsTheListInOrderOrEmpty() {
        List<Path> enterPrimary = List.of(Path.of("/hooks/service.sh"), Path.of("/hooks/vip.sh"));
        HookSettings settings =
                new HookSettings(
                        Map.of(HookRole.PRIMARY, enterPrimary), Map.of(), Duration.ofSeconds(5));

        assertThat(settings.scripts(HookEvent.ENTER, HookRole.PRIMARY)).isEqualTo(enterPrimary);
        assertThat(settings.scripts(HookEvent.LEAVE, HookRole.PRIMARY)).isEmpty();
        assertThat(settings.scripts(HookEvent.ENTER, HookRole.BACKUP)).isEmpty();
    }

    @Test
    void constructor_callerChangesItsList_settingsUnchanged() {
        List<Path> scripts = new ArrayList<>(List.of(Path.of("/hooks/vip.sh")));
        HookSettings settings =
                new HookSettings(Map.of(HookRole.FAILED, scripts), Map.of(), Duration.ofSeconds(5));

        scripts.clear();

        assertThat(settings.scripts(HookEvent.ENTER, HookRole.FAILED)).hasSize(1);
    }

    @Test
    void constructor_relativeScript_isRejectedNamingTheConfigKey() {
        assertThatThrownBy(
                        () ->
                                new HookSettings(
                                        Map.of(),
                                        Map.of(HookRole.BACKUP, List.of(Path.of("vip.sh"))),
                                        Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hooks.on-leave-backup")
                .hasMessageContaining("vip.sh");
    }

    @Test
    void constructor_zeroTimeout_isRejected() {
        assertThatThrownBy(() -> new HookSettings(Map.of(), Map.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hooks.timeout");
    }

    @Test
    void configKey_eachEventAndRole_isTheConfigurationKey() {
        assertThat(HookEvent.ENTER.configKey(HookRole.PRIMARY)).isEqualTo("on-enter-primary");
        assertThat(HookEvent.LEAVE.configKey(HookRole.FAILED)).isEqualTo("on-leave-failed");
    }
}
