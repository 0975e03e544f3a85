package io.switchover.daemon.admin;

import java.util.List;
import java.util.Map;

/** What the admin API can ask of the daemon. Implementations are thread-safe. */
public interface AdminOperations {
    /** The daemon's status as a JSON-ready tree (see docs/operations.md for the fields). */
    Map<String, Object> status();

    /** The latest {@code limit} recorded events, oldest first, JSON-ready. */
    List<Map<String, Object>> events(int limit);

    /**
     * The sequence number of the newest recorded event (0 before the first): cheap, so the web
     * console's feed can poll it and read {@link #events} only when something new was recorded.
     */
    default long lastEventSequence() {
        return 0;
    }

    /** A controlled switchover; {@code force} skips the safety refusals the spec allows. */
    CommandAnswer switchover(boolean force);

    /** A FAILED node rejoins the pair as backup. */
    CommandAnswer rejoin();

    /** Metrics in Prometheus text exposition format. */
    String metrics();

    /** One-word liveness for {@code /health}: the node's state. */
    String state();

    /** The answer to an operator command. */
    record CommandAnswer(boolean accepted, String detail) {}
}
