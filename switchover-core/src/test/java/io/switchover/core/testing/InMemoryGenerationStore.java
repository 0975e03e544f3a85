package io.switchover.core.testing;

import io.switchover.core.port.GenerationStore;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A generation store that remembers every write and can be told to fail. */
public final class InMemoryGenerationStore implements GenerationStore {

    private long stored;
    private int failuresToInject;
    private final List<Long> writes = new ArrayList<>();

    public InMemoryGenerationStore(long initial) {
        this.stored = initial;
    }

    /** The next {@code count} writes throw, as a full or read-only disk would. */
    public void failNext(int count) {
        failuresToInject = count;
    }

    public List<Long> writes() {
        return List.copyOf(writes);
    }

    @Override
    public long load() {
        return stored;
    }

    @Override
    public void store(long generation) {
        if (failuresToInject > 0) {
            failuresToInject--;
            throw new UncheckedIOException(new java.io.IOException("disk full"));
        }
        stored = generation;
        writes.add(generation);
    }
}
