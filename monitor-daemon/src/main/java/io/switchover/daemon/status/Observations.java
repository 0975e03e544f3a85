package io.switchover.daemon.status;

import io.switchover.core.port.Connection;
import io.switchover.daemon.peer.PingObserver;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PingReply;
import io.switchover.notifier.transport.ConnectionListener;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest of everything the daemon saw about its peer: thread-safe, written by the notifier's
 * event loops and the core's thread, read by the admin API.
 */
public final class Observations implements PingObserver, ConnectionListener {
    /** The last outcome seen on one connection. */
    record Last(String outcome, Double rttMicros, String detail, Instant at) {}

    private final Map<Connection, Last> notifierPings = new EnumMap<>(Connection.class);
    private final Map<Connection, Last> modulePings = new EnumMap<>(Connection.class);
    private final Map<String, Object> peer = new LinkedHashMap<>();
    private String lastConnectionEvent = "none yet";

    @Override
    public synchronized void notifierPing(Connection via, Outcome<?> outcome) {
        notifierPings.put(via, last(outcome));
        if (outcome instanceof Outcome.Success<?> s && s.value() instanceof PingReply reply) {
            peer.put("state", reply.state());
            peer.put("generation", reply.generation());
            peer.put("stateSeenAt", Instant.now().toString());
        }
    }

    @Override
    public synchronized void modulePing(Connection via, Outcome<?> outcome) {
        modulePings.put(via, last(outcome));
    }

    @Override
    public synchronized void established(PeerConnection c) {
        peer.put("id", c.peer().nodeId());
        peer.put("release", c.peer().release());
        peer.put("address", String.valueOf(c.peer().remoteAddress()));
        peer.put("auth", c.peer().authMethod());
        lastConnectionEvent = c.kind().wireName() + " connection established at " + Instant.now();
    }

    @Override
    public synchronized void lost(PeerConnection c, CloseReason reason, String detail) {
        lastConnectionEvent =
                c.kind().wireName()
                        + " connection lost at "
                        + Instant.now()
                        + ": "
                        + reason.code()
                        + ": "
                        + detail;
    }

    @Override
    public synchronized void failed(
            SocketAddress remote, CloseReason reason, String detail, boolean byPeer) {
        lastConnectionEvent =
                "connection attempt to "
                        + remote
                        + " failed at "
                        + Instant.now()
                        + ": "
                        + reason.code()
                        + (byPeer ? " (said the peer)" : "")
                        + ": "
                        + detail;
    }

    /** The peer as it last described itself. */
    public synchronized Map<String, Object> peer() {
        return new LinkedHashMap<>(peer);
    }

    public synchronized String lastConnectionEvent() {
        return lastConnectionEvent;
    }

    /** Last notifier ping per connection, JSON-ready. */
    public synchronized Map<String, Object> notifierPings() {
        return render(notifierPings);
    }

    /** Last module ping per connection, JSON-ready. */
    public synchronized Map<String, Object> modulePings() {
        return render(modulePings);
    }

    private static Map<String, Object> render(Map<Connection, Last> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<Connection, Last> e : m.entrySet()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("outcome", e.getValue().outcome());
            if (e.getValue().rttMicros() != null) {
                v.put("rttMicros", e.getValue().rttMicros());
            }
            if (e.getValue().detail() != null) {
                v.put("detail", e.getValue().detail());
            }
            v.put("at", e.getValue().at().toString());
            out.put(e.getKey().name().toLowerCase(java.util.Locale.ROOT), v);
        }
        return out;
    }

    private static Last last(Outcome<?> o) {
        String detail = null;
        if (o instanceof Outcome.Rejected<?> r) {
            detail = r.reason();
        } else if (o instanceof Outcome.ConnectionLoss<?> l) {
            detail = l.detail();
        } else if (o instanceof Outcome.Success<?> s && s.value() instanceof String text) {
            detail = text;
        }
        Double rtt = o.isSuccess() ? Math.round(o.elapsedNanos() / 100.0) / 10.0 : null;
        return new Last(o.kind().name(), rtt, detail, Instant.now());
    }
}
