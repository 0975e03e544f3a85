package io.switchover.it.bed;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One line of a daemon's durable event history ({@code <data-dir>/events.jsonl}): a transition
 * (from, to, cause) or a notice (kind, e.g. {@code PROMOTION_BLOCKED}), with its detail.
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
        long generation) {

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
                json.path("generation").asLong(-1));
    }

    public boolean isTransitionTo(String state) {
        return "transition".equals(type) && state.equals(to);
    }

    public boolean isNotice(String noticeKind) {
        return "notice".equals(type) && noticeKind.equals(kind);
    }

    @Override
    public String toString() {
        return "transition".equals(type)
                ? "#%d %s %s -> %s %s (gen %d): %s"
                        .formatted(sequence, time, from, to, cause, generation, detail)
                : "#%d %s notice %s: %s".formatted(sequence, time, kind, detail);
    }
}
