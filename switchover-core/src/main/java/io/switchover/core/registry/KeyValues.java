package io.switchover.core.registry;

import java.util.SortedMap;

/** One key and its values, as read or exported. */
public record KeyValues(KeyPath key, SortedMap<String, String> values) {}
