package io.switchover.daemon.hooks;

import io.switchover.core.state.Transition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A hook that did not succeed, with the transition it ran for.
 *
 * @param script the hook's path
 * @param event whether it ran on entering or leaving {@code role}
 * @param role the role it ran for
 * @param transition the transition that triggered it
 * @param kind how it failed
 * @param exitStatus the exit status, for {@link Kind#EXIT_STATUS} only
 * @param elapsed from its start (or attempted start) to the failure
 * @param detail a sentence for the log and the event history
 */
public record HookFailure(
        Path script,
        HookEvent event,
        HookRole role,
        Transition transition,
        Kind kind,
        OptionalInt exitStatus,
        Duration elapsed,
        String detail) {

    /** The ways a hook fails. */
    public enum Kind {
        /** It ran and exited with a non-zero status. */
        EXIT_STATUS,
        /** It ran longer than the timeout; it and its descendants were killed. */
        TIMED_OUT,
        /** It could not be started (missing, not executable, bad interpreter line...). */
        NOT_STARTED,
        /** The daemon stopped its hooks (shutdown) before it ran or finished; it was killed. */
        ABANDONED
    }

    public HookFailure {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(transition, "transition");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(exitStatus, "exitStatus");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(detail, "detail");
    }

    /** The fields of the {@code hook-failed} event the daemon records, in a readable order. */
    public Map<String, Object> eventFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("hook", script.toString());
        fields.put("on", event.configKey(role));
        fields.put("kind", kind);
        exitStatus.ifPresent(status -> fields.put("exitStatus", status));
        fields.put("elapsedMillis", elapsed.toMillis());
        fields.put("from", transition.from());
        fields.put("to", transition.to());
        fields.put("generation", transition.generation());
        fields.put("detail", detail);
        return fields;
    }
}
