package io.switchover.core.port;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A release as announced in the handshake, e.g. {@code 2.4.1}. Numeric dotted segments compared
 * left to right, missing segments counting as zero, so {@code 2.4} equals {@code 2.4.0}.
 */
public record Release(List<Integer> segments) implements Comparable<Release> {

    public Release {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a release has at least one segment");
        }
        for (int segment : segments) {
            if (segment < 0) {
                throw new IllegalArgumentException("negative release segment in " + segments);
            }
        }
    }

    /** Parses {@code 2.4.1}; anything after a {@code -} (e.g. {@code -SNAPSHOT}) is ignored. */
    public static Release parse(String text) {
        Objects.requireNonNull(text, "text");
        String numeric = text.strip();
        int dash = numeric.indexOf('-');
        if (dash >= 0) {
            numeric = numeric.substring(0, dash);
        }
        List<Integer> parts = new ArrayList<>();
        for (String part : numeric.split("\\.", -1)) {
            if (part.isEmpty() || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not a release: '" + text + "'");
            }
            try {
                parts.add(Integer.parseInt(part));
            } catch (NumberFormatException tooBig) {
                throw new IllegalArgumentException("not a release: '" + text + "'", tooBig);
            }
        }
        return new Release(parts);
    }

    @Override
    public int compareTo(Release other) {
        int length = Math.max(segments.size(), other.segments.size());
        for (int i = 0; i < length; i++) {
            int c = Integer.compare(segment(i), other.segment(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Same release for switchover purposes (equal after padding with zeros). */
    public boolean sameAs(Release other) {
        return compareTo(other) == 0;
    }

    private int segment(int i) {
        return i < segments.size() ? segments.get(i) : 0;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int segment : segments) {
            if (text.length() > 0) {
                text.append('.');
            }
            text.append(segment);
        }
        return text.toString();
    }
}
