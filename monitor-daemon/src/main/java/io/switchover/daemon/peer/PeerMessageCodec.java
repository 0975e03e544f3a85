package io.switchover.daemon.peer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.switchover.core.port.PeerMessage;
import io.switchover.core.port.Release;
import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import java.io.IOException;

/**
 * Control messages between the two cores, as CBOR maps inside a notifier request (operation {@value
 * #OPERATION}). One flat wire record with a {@code type} field keeps the format readable for an
 * independent implementation and lets a newer release add fields that an older one ignores.
 */
public final class PeerMessageCodec {
    /** The notifier request operation that carries a core control message. */
    public static final String OPERATION = "switchover.core-message";

    private static final ObjectMapper CBOR =
            CBORMapper.builder()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .serializationInclusion(JsonInclude.Include.NON_NULL)
                    .build();

    /** The wire form: every field any message type uses; unused ones are absent. */
    record Wire(
            String type,
            String nodeId,
            Integer tieBreakRank,
            Long generation,
            String role,
            String release,
            String cause,
            String detail) {}

    private PeerMessageCodec() {}

    public static byte[] encode(PeerMessage m) {
        Wire w;
        if (m instanceof PeerMessage.Hello h) {
            w = wire("hello", m, h.role().name(), h.release().toString(), null, null);
        } else if (m instanceof PeerMessage.TookOver t) {
            w = wire("took-over", m, null, null, t.reason().cause().name(), t.reason().detail());
        } else if (m instanceof PeerMessage.HandoverRequest) {
            w = wire("handover-request", m, null, null, null, null);
        } else if (m instanceof PeerMessage.HandoverReady) {
            w = wire("handover-ready", m, null, null, null, null);
        } else if (m instanceof PeerMessage.HandoverAborted a) {
            w = wire("handover-aborted", m, null, null, null, a.why());
        } else {
            throw new IllegalArgumentException("unknown peer message " + m);
        }
        try {
            return CBOR.writeValueAsBytes(w);
        } catch (IOException e) {
            throw new IllegalStateException("CBOR encoding failed", e);
        }
    }

    /**
     * @throws IllegalArgumentException naming what is wrong, for a message this release cannot read
     */
    public static PeerMessage decode(byte[] bytes) {
        Wire w;
        try {
            w = CBOR.readValue(bytes, Wire.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable core message: " + e.getMessage(), e);
        }
        if (w == null || w.type() == null || w.nodeId() == null) {
            throw new IllegalArgumentException("core message without type or node id");
        }
        int rank = require(w.tieBreakRank(), "tieBreakRank");
        long generation = require(w.generation(), "generation");
        switch (w.type()) {
            case "hello":
                return new PeerMessage.Hello(
                        w.nodeId(),
                        rank,
                        State.valueOf(require(w.role(), "role")),
                        Release.parse(require(w.release(), "release")),
                        generation);
            case "took-over":
                return new PeerMessage.TookOver(
                        w.nodeId(),
                        rank,
                        generation,
                        Reason.of(
                                Reason.Cause.valueOf(require(w.cause(), "cause")),
                                require(w.detail(), "detail")));
            case "handover-request":
                return new PeerMessage.HandoverRequest(w.nodeId(), rank, generation);
            case "handover-ready":
                return new PeerMessage.HandoverReady(w.nodeId(), rank, generation);
            case "handover-aborted":
                return new PeerMessage.HandoverAborted(
                        w.nodeId(), rank, generation, require(w.detail(), "detail"));
            default:
                throw new IllegalArgumentException("unknown core message type '" + w.type() + "'");
        }
    }

    private static Wire wire(
            String type, PeerMessage m, String role, String release, String cause, String detail) {
        return new Wire(
                type, m.nodeId(), m.tieBreakRank(), m.generation(), role, release, cause, detail);
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("core message without " + field);
        }
        return value;
    }
}
