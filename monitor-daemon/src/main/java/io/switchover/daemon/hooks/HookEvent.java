package io.switchover.daemon.hooks;

import java.util.Locale;

/** Whether a hook runs because a role was entered or left; {@code SWITCHOVER_EVENT} says which. */
public enum HookEvent {
    ENTER,
    LEAVE;

    /** The value of {@code SWITCHOVER_EVENT}: {@code enter} or {@code leave}. */
    public String environmentValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The configuration key naming the hooks of this event and {@code role}, e.g. {@code
     * on-enter-primary}.
     */
    public String configKey(HookRole role) {
        return "on-" + environmentValue() + "-" + role.name().toLowerCase(Locale.ROOT);
    }
}
