package io.switchover.notifier.session;

import io.switchover.notifier.frame.CloseReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one notifier endpoint: connections established, and closes by reason, split by who
 * decided the close (this side, or the peer in its goodbye). The daemon exports them as metrics.
 */
public final class NotifierStats {
    private final LongAdder established = new LongAdder();
    private final Map<CloseReason, LongAdder> closedLocally = new EnumMap<>(CloseReason.class);
    private final Map<CloseReason, LongAdder> closedByPeer = new EnumMap<>(CloseReason.class);

    public NotifierStats() {
        for (CloseReason r : CloseReason.values()) {
            closedLocally.put(r, new LongAdder());
            closedByPeer.put(r, new LongAdder());
        }
    }

    public void established() {
        established.increment();
    }

    void closed(CloseReason reason, boolean byPeer) {
        (byPeer ? closedByPeer : closedLocally).get(reason).increment();
    }

    public long establishedCount() {
        return established.sum();
    }

    /** Connections this side closed for the reason. */
    public long closedLocally(CloseReason reason) {
        return closedLocally.get(reason).sum();
    }

    /** Connections the peer closed, naming the reason in its goodbye. */
    public long closedByPeer(CloseReason reason) {
        return closedByPeer.get(reason).sum();
    }
}
