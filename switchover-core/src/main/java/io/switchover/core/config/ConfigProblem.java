package io.switchover.core.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration: the key, the value as the operator would recognise it, and
 * what is allowed instead.
 */
public record ConfigProblem(String key, String value, String allowed) {

    public ConfigProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(allowed, "allowed");
    }

    @Override
    public String toString() {
        return key + " = " + value + ": " + allowed;
    }
}
