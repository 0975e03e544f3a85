package io.switchover.daemon.status;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The peer's own account of itself (state, generation, the reason of its last transition, release),
 * asked for over the notifier with the {@value #OPERATION} request: a primary's backup never pings
 * it, so without asking, a primary would know its backup only as it was at the handshake. The
 * answer is kept; {@link #reported} asks again when it is older than a second.
 *
 * <p>A peer of an earlier release that does not serve the request refuses it; the view then says
 * so, and the rest of the status still shows what the pings and the handshake told.
 */
public final class PeerView {
    /** The request's operation name on the notifier. */
    public static final String OPERATION = "switchover.node-status";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Supplier<Optional<PeerConnection>> connection;
    private Map<String, Object> last;
    private Instant lastAt;
    private String lastProblem = "not asked yet";
    private CompletableFuture<Void> inFlight;

    public PeerView(Supplier<Optional<PeerConnection>> connection) {
        this.connection = connection;
    }

    /** This node's account, as the peer's {@link PeerView} receives it. */
    public static byte[] encode(Map<String, Object> ownAccount) {
        try {
            return JSON.writeValueAsBytes(ownAccount);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the node's status: " + e, e);
        }
    }

    /**
     * The peer's last account with the time it was received ({@code receivedAt}), or {@code
     * {"unavailable": why}}. Asks again when the account is older than {@code maxAge}, waiting at
     * most {@code wait} for the answer (an answer that comes later is kept for the next call).
     */
    public Map<String, Object> reported(Duration maxAge, Duration wait) {
        CompletableFuture<Void> pending = refresh(maxAge);
        if (pending != null) {
            try {
                pending.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // the last answer, or the problem, stands
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (last == null) {
                return Map.of("unavailable", lastProblem);
            }
            Map<String, Object> out = new LinkedHashMap<>(last);
            out.put("receivedAt", lastAt.toString());
            out.put("ageMillis", Duration.between(lastAt, Instant.now()).toMillis());
            if (!lastProblem.isEmpty()) {
                out.put("lastProblem", lastProblem);
            }
            return out;
        }
    }

    private synchronized CompletableFuture<Void> refresh(Duration maxAge) {
        if (inFlight != null) {
            return inFlight;
        }
        if (last != null && lastAt.plus(maxAge).isAfter(Instant.now())) {
            return null;
        }
        Optional<PeerConnection> c = connection.get();
        if (c.isEmpty()) {
            lastProblem = "no connection to the peer";
            return null;
        }
        CompletableFuture<Void> f =
                c.get()
                        .request(OPERATION, new byte[0], REQUEST_TIMEOUT)
                        .thenAccept(this::received)
                        .exceptionally(
                                e -> {
                                    failed(String.valueOf(e.getMessage()));
                                    return null;
                                });
        if (!f.isDone()) {
            inFlight = f;
            f.whenComplete((v, e) -> clearInFlight(f));
        }
        return f;
    }

    private synchronized void clearInFlight(CompletableFuture<Void> f) {
        if (inFlight == f) {
            inFlight = null;
        }
    }

    private void received(Outcome<byte[]> outcome) {
        if (!(outcome instanceof Outcome.Success<byte[]> s)) {
            String why =
                    outcome instanceof Outcome.Rejected<byte[]> r
                            ? "the peer refused: " + r.reason()
                            : outcome.kind().name().toLowerCase(Locale.ROOT);
            failed(why);
            return;
        }
        Map<String, Object> account;
        try {
            account =
                    JSON.readValue(
                            s.value(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            failed("the peer's answer is not a status: " + e.getMessage());
            return;
        }
        synchronized (this) {
            last = account;
            lastAt = Instant.now();
            lastProblem = "";
        }
    }

    private synchronized void failed(String why) {
        lastProblem = why;
    }
}
