package io.switchover.core.testing;

import io.switchover.core.port.Actions;
import io.switchover.core.port.Replication;
import io.switchover.core.state.CoreListener;
import io.switchover.core.state.Notice;
import io.switchover.core.state.Transition;
import io.switchover.core.time.Cancellable;
import io.switchover.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Recording implementations of the observing ports, for assertions. */
public final class RecordingPorts {

    private RecordingPorts() {}

    /**
     * Records what the core asks of replication. Drains complete after {@link #drainTime} (or
     * never, when it is null) with {@link #drainSucceeds}.
     */
    public static final class RecordingReplication implements Replication {
        public final List<String> resyncs = new ArrayList<>();
        public final List<Long> keptAside = new ArrayList<>();

        /** {@code stop}, {@code drain}, {@code drained}, {@code resume}, in order. */
        public final List<String> writeGate = new ArrayList<>();

        public boolean inSync = true;
        public Duration drainTime = Duration.ofMillis(50);
        public boolean drainSucceeds = true;
        private final Scheduler scheduler;

        public RecordingReplication(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public void resynchronise(String why) {
            resyncs.add(why);
        }

        @Override
        public void keepAsideDivergentWrites(long generation, String why) {
            keptAside.add(generation);
        }

        @Override
        public boolean isInSync() {
            return inSync;
        }

        @Override
        public void stopAcceptingWrites() {
            writeGate.add("stop");
        }

        @Override
        public void resumeAcceptingWrites() {
            writeGate.add("resume");
        }

        @Override
        public Cancellable drain(Consumer<Boolean> drained) {
            writeGate.add("drain");
            if (drainTime == null) {
                return Cancellable.DONE;
            }
            boolean result = drainSucceeds;
            return scheduler.schedule(
                    drainTime,
                    () -> {
                        writeGate.add(result ? "drained" : "drain failed");
                        drained.accept(result);
                    });
        }
    }

    /** Records hook calls as {@code left:STATE} / {@code entered:STATE@generation}. */
    public static final class RecordingActions implements Actions {
        public final List<String> calls = new ArrayList<>();
        private final InMemoryGenerationStore store;

        public RecordingActions(InMemoryGenerationStore store) {
            this.store = store;
        }

        @Override
        public void roleLeft(Transition transition) {
            calls.add("left:" + transition.from());
        }

        @Override
        public void roleEntered(Transition transition) {
            calls.add(
                    "entered:"
                            + transition.to()
                            + "@"
                            + transition.generation()
                            + " stored="
                            + store.load());
        }
    }

    /** Records every transition and notice. */
    public static final class RecordingListener implements CoreListener {
        public final List<Transition> transitions = new ArrayList<>();
        public final List<Notice> notices = new ArrayList<>();

        @Override
        public void onTransition(Transition transition) {
            transitions.add(transition);
        }

        @Override
        public void onNotice(Notice notice) {
            notices.add(notice);
        }

        public List<Notice> notices(Notice.Kind kind) {
            return notices.stream().filter(n -> n.kind() == kind).toList();
        }
    }
}
