package io.switchover.core.simulation;

import io.switchover.core.testing.VirtualTime;
import io.switchover.core.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened in one simulated run, in order: faults, operator commands, transitions and notices.
 * Entries keep the objects and render them only when a run fails, so that ten thousand passing runs
 * cost no string building.
 */
final class Trace {

    private record Entry(Duration at, String who, Object what) {}

    private final VirtualTime time;
    private final List<Entry> entries = new ArrayList<>();

    Trace(VirtualTime time) {
        this.time = time;
    }

    /** Records {@code what} (rendered with {@code toString()} on failure) by {@code who}. */
    void add(Object who, Object what) {
        entries.add(new Entry(time.elapsed(), String.valueOf(who), what));
    }

    int size() {
        return entries.size();
    }

    String render() {
        StringBuilder out = new StringBuilder();
        for (Entry e : entries) {
            String at = Durations.format(e.at());
            out.append(String.format("%14s  %-6s %s%n", "+" + at, e.who(), e.what()));
        }
        return out.toString();
    }
}
