package io.switchover.daemon.hooks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which scripts run on entering and leaving each role, in order, and how long each may take. Built
 * by the configuration from {@code hooks.on-enter-primary}, {@code hooks.on-leave-primary}, ... and
 * {@code hooks.timeout}.
 *
 * @param onEnter per role, the scripts run when the node enters it
 * @param onLeave per role, the scripts run when the node leaves it
 * @param timeout how long one script may run before it and its descendants are killed
 */
public record HookSettings(
        Map<HookRole, List<Path>> onEnter, Map<HookRole, List<Path>> onLeave, Duration timeout) {

    /** Long enough for {@code systemctl start} of a slow service, short enough to notice a hang. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public HookSettings {
        onEnter = checked(onEnter, HookEvent.ENTER);
        onLeave = checked(onLeave, HookEvent.LEAVE);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("hooks.timeout must be positive: " + timeout);
        }
    }

    /** No hooks at all. */
    public static HookSettings none() {
        return new HookSettings(Map.of(), Map.of(), DEFAULT_TIMEOUT);
    }

    /** The scripts for {@code event} of {@code role}, in the order they run; maybe empty. */
    public List<Path> scripts(HookEvent event, HookRole role) {
        return (event == HookEvent.ENTER ? onEnter : onLeave).getOrDefault(role, List.of());
    }

    private static Map<HookRole, List<Path>> checked(
            Map<HookRole, List<Path>> scripts, HookEvent event) {
        Map<HookRole, List<Path>> copy = new EnumMap<>(HookRole.class);
        scripts.forEach(
                (role, paths) -> {
                    for (Path path : paths) {
                        // A bare name would be looked up on PATH and a relative one resolved
                        // against whatever directory the daemon happens to run in.
                        if (!path.isAbsolute()) {
                            throw new IllegalArgumentException(
                                    "hooks."
                                            + event.configKey(role)
                                            + ": script path must be absolute: "
                                            + path);
                        }
                    }
                    copy.put(role, List.copyOf(paths));
                });
        return Collections.unmodifiableMap(copy);
    }
}
