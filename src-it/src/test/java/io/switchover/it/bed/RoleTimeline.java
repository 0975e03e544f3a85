package io.switchover.it.bed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When each node was {@code PRIMARY}, as spans of epoch milliseconds, and where two nodes' spans
 * overlap: the "never two primaries" check, made over the whole run rather than at its end.
 *
 * <p>Two sources, checked separately: the {@link RolePoller} samples (what a client of each node's
 * admin API saw) and the daemons' own event histories (exact transition times; both daemons share
 * the machine clock).
 *
 * <p>Poll skew: a sample says the node was in its state at some instant between sending the request
 * and receiving the answer. A run of consecutive {@code PRIMARY} samples therefore proves the node
 * primary from the receipt of its first answer to the sending of its last; only that span counts.
 * Two primaries are reported only where such proven spans of both nodes overlap, so the sampling
 * never invents an overlap, and an overlap shorter than one poll period plus a request may go
 * unseen by the pollers (the event histories still see it).
 */
public final class RoleTimeline {

    /** {@code node} was PRIMARY from {@code from} to {@code to} (epoch ms). */
    public record Span(String node, long from, long to) {
        long overlap(Span other) {
            return Math.min(to, other.to) - Math.max(from, other.from);
        }

        @Override
        public String toString() {
            return node
                    + " PRIMARY "
                    + Instant.ofEpochMilli(from)
                    + " .. "
                    + Instant.ofEpochMilli(to);
        }
    }

    /** One poller sample. */
    public record Sample(long sent, long received, String state) {}

    private RoleTimeline() {}

    /** The samples a {@link RolePoller} wrote (a partial last line is skipped). */
    public static List<Sample> samples(Path file) {
        List<Sample> samples = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split(" ");
                if (f.length == 3 && !f[2].isEmpty()) {
                    samples.add(new Sample(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    /** The spans the samples prove: each run of PRIMARY answers, first receipt to last sending. */
    public static List<Span> primarySpans(String node, List<Sample> samples) {
        List<Span> spans = new ArrayList<>();
        Sample first = null;
        Sample last = null;
        for (Sample s : samples) {
            if ("PRIMARY".equals(s.state())) {
                if (first == null) {
                    first = s;
                }
                last = s;
            } else if (first != null) {
                spans.add(new Span(node, first.received(), last.sent()));
                first = null;
            }
        }
        if (first != null) {
            spans.add(new Span(node, first.received(), last.sent()));
        }
        return spans;
    }

    /** The spans a daemon's event history records, the last one open until {@code end}. */
    public static List<Span> primarySpans(String node, List<Event> events, Instant end) {
        List<Span> spans = new ArrayList<>();
        Instant since = null;
        for (Event e : events) {
            if (!"transition".equals(e.type())) {
                continue;
            }
            if ("PRIMARY".equals(e.to())) {
                since = e.time();
            } else if ("PRIMARY".equals(e.from()) && since != null) {
                spans.add(new Span(node, since.toEpochMilli(), e.time().toEpochMilli()));
                since = null;
            }
        }
        if (since != null) {
            spans.add(new Span(node, since.toEpochMilli(), end.toEpochMilli()));
        }
        return spans;
    }

    /**
     * Both nodes PRIMARY from {@code from} to {@code to} (epoch ms): the two spans that overlap.
     */
    public record Overlap(Span first, Span second, long from, long to) {
        public long millis() {
            return to - from;
        }

        @Override
        public String toString() {
            return first + " and " + second + " overlap by " + millis() + " ms";
        }
    }

    /** Every pair of spans of two nodes that overlaps (by more than nothing). */
    public static List<Overlap> overlaps(List<Span> a, List<Span> b) {
        List<Overlap> found = new ArrayList<>();
        for (Span x : a) {
            for (Span y : b) {
                if (x.overlap(y) > 0) {
                    found.add(
                            new Overlap(
                                    x, y, Math.max(x.from(), y.from()), Math.min(x.to(), y.to())));
                }
            }
        }
        return found;
    }

    /** Number of PRIMARY samples (for the summary: how much the pollers saw). */
    public static long count(List<Sample> samples, String state) {
        return samples.stream().filter(s -> state.equals(s.state())).count();
    }
}
