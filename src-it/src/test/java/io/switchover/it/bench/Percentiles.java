package io.switchover.it.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** min / p50 / p99 / max of a sample, by nearest rank (with 20 values p99 is the maximum). */
record Percentiles(int n, long min, long p50, long p99, long max) {

    static Percentiles of(List<Long> values) {
        if (values.isEmpty()) {
            return new Percentiles(0, -1, -1, -1, -1);
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Percentiles(
                sorted.size(),
                sorted.get(0),
                rank(sorted, 0.50),
                rank(sorted, 0.99),
                sorted.get(sorted.size() - 1));
    }

    private static long rank(List<Long> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    String cells() {
        return n == 0 ? "- | - | - | -" : "%d | %d | %d | %d".formatted(min, p50, p99, max);
    }
}
