package io.switchover.it.bed;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One line of a daemon's durable event history ({@code <data-dir>/events.jsonl}): a transition
 * (from, to, cause), a notice (kind, e.g. {@code PROMOTION_BLOCKED}), with its detail, or a
 * replication event ({@code registry} or {@code mirror}: what happened, e.g. {@code compared}, the
 * rest of its fields in {@code json}).
 */
public record Event(
        Instant time,
        long sequence,
        String type,
        String from,
        String to,
        String cause,
        String kind,
        String detail,
        long generation,
        String what,
        JsonNode json) {

    static Event of(JsonNode json) {
        return new Event(
                Instant.parse(json.path("time").asText()),
                json.path("sequence").asLong(),
                json.path("type").asText(),
                json.path("from").asText(null),
                json.path("to").asText(null),
                json.path("cause").asText(null),
                json.path("kind").asText(null),
                json.path("detail").asText(""),
                json.path("generation").asLong(-1),
                json.path("what").asText(null),
                json);
    }

    public boolean isTransitionTo(String state) {
        return "transition".equals(type) && state.equals(to);
    }

    /** A {@code registry} or {@code mirror} event saying {@code what}, e.g. {@code compared}. */
    public boolean isReplication(String replicationType, String what) {
        return replicationType.equals(type) && what.equals(this.what);
    }

    public boolean isNotice(String noticeKind) {
        return "notice".equals(type) && noticeKind.equals(kind);
    }

    @Override
    public String toString() {
        return "transition".equals(type)
                ? "#%d %s %s -> %s %s (gen %d): %s"
                        .formatted(sequence, time, from, to, cause, generation, detail)
                : what != null
                        ? "#%d %s %s %s: %s".formatted(sequence, time, type, what, json)
                        : "#%d %s notice %s: %s".formatted(sequence, time, kind, detail);
    }
}
