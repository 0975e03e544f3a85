package io.switchover.daemon.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean": the known word closest to a mistyped one, if any is close enough. */
final class Suggestions {

    private Suggestions() {}

    /**
     * The candidate that differs from {@code typed} only in case, hyphens and underscores ({@code
     * retry_max}, {@code retryMax}), else the one within a small edit distance (1 for words of up
     * to 4 letters, where 2 edits make almost anything match; 2 otherwise); the first such
     * candidate wins ties.
     */
    static Optional<String> closest(String typed, Collection<String> candidates) {
        String normalTyped = normal(typed);
        for (String candidate : candidates) {
            if (normal(candidate).equals(normalTyped)) {
                return Optional.of(candidate);
            }
        }
        int allowed = typed.length() <= 4 ? 1 : 2;
        String best = null;
        int bestDistance = allowed + 1;
        for (String candidate : candidates) {
            int d = distance(typed.toLowerCase(Locale.ROOT), candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** "; did you mean 'x'?" or nothing: to append to a message. */
    static String didYouMean(String typed, Collection<String> candidates) {
        return closest(typed, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
    }

    private static String normal(String word) {
        return word.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /**
     * Edit distance counting an insertion, a deletion, a substitution or a swap of two adjacent
     * letters as one edit (optimal string alignment): swapped letters are the commonest typo.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] =
                        Math.min(
                                Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1
                        && j > 1
                        && a.charAt(i - 1) == b.charAt(j - 2)
                        && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
