package io.switchover.daemon.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests of {@code
 * /metrics}: it rejects what a lenient scraper would let through, naming the line.
 *
 * <p>Checked: every line is a {@code # HELP name text}, a {@code # TYPE name type}, another
 * comment, an empty line, or a sample {@code name{label="value",...} value [timestamp]}; names and
 * label names are well formed, label values correctly escaped, no label twice; each family has at
 * most one HELP and one TYPE, its TYPE comes before its samples and its samples are not interleaved
 * with another family's; every sample belongs to a typed family (a counter's or gauge's own name, a
 * histogram's {@code _bucket}, {@code _sum} and {@code _count}, a summary's quantiles, {@code _sum}
 * and {@code _count}); every histogram bucket has an {@code le}, buckets are cumulative and end
 * with {@code +Inf}, equal to {@code _count}.
 */
public final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern METRIC_NAME = Pattern.compile(NAME);
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE =
            Pattern.compile("(" + NAME + ")(\\{.*})? (\\S+)( -?[0-9]+)?");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
        /** Whether every label of {@code wanted} is present with that value. */
        public boolean has(Map<String, String> wanted) {
            return labels.entrySet().containsAll(wanted.entrySet());
        }
    }

    private final Map<String, String> types;
    private final List<Sample> samples;

    private PrometheusText(Map<String, String> types, List<Sample> samples) {
        this.types = types;
        this.samples = samples;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the first line that breaks a rule
     */
    public static PrometheusText parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> finished = new HashSet<>();
        List<Sample> samples = new ArrayList<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition does not end with a newline");
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "': ";
            Matcher m;
            if (line.isEmpty()) {
                continue;
            } else if (line.startsWith("# HELP ")) {
                m = match(HELP, line, where);
                if (!helped.add(m.group(1))) {
                    throw new IllegalArgumentException(where + "a second HELP for " + m.group(1));
                }
            } else if (line.startsWith("# TYPE ")) {
                m = match(TYPE, line, where);
                String family = m.group(1);
                if (types.containsKey(family)) {
                    throw new IllegalArgumentException(where + "a second TYPE for " + family);
                }
                if (samples.stream().anyMatch(s -> familyOf(s.name(), family, m.group(2)))) {
                    throw new IllegalArgumentException(where + "TYPE after samples of " + family);
                }
                types.put(family, m.group(2));
            } else if (line.startsWith("#")) {
                continue;
            } else {
                m = match(SAMPLE, line, where);
                String name = m.group(1);
                String family =
                        family(name, types)
                                .orElseThrow(
                                        () ->
                                                new IllegalArgumentException(
                                                        where + "no TYPE declares " + name));
                if (!family.equals(current)) {
                    if (finished.contains(family)) {
                        throw new IllegalArgumentException(
                                where + "samples of " + family + " are interleaved with others");
                    }
                    if (current != null) {
                        finished.add(current);
                    }
                    current = family;
                }
                Map<String, String> labels =
                        m.group(2) == null ? Map.of() : labels(m.group(2), where);
                samples.add(new Sample(name, labels, value(m.group(3), where)));
            }
        }
        PrometheusText parsed = new PrometheusText(types, samples);
        parsed.checkHistograms();
        return parsed;
    }

    /** The TYPE of a family, if declared. */
    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    /** Every sample named {@code name}, in order. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The value of the one sample {@code name} with (at least) these labels. */
    public double value(String name, Map<String, String> labels) {
        List<Sample> found = samples(name).stream().filter(s -> s.has(labels)).toList();
        if (found.size() != 1) {
            throw new AssertionError(
                    found.size() + " samples " + name + " with " + labels + ": " + found);
        }
        return found.get(0).value();
    }

    private static Matcher match(Pattern p, String line, String where) {
        Matcher m = p.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException(where + "not of the form " + p.pattern());
        }
        return m;
    }

    private static Optional<String> family(String name, Map<String, String> types) {
        return types.entrySet().stream()
                .filter(t -> familyOf(name, t.getKey(), t.getValue()))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private static boolean familyOf(String name, String family, String type) {
        if (name.equals(family)) {
            return !type.equals("histogram");
        }
        String suffix = name.startsWith(family) ? name.substring(family.length()) : "";
        return switch (type) {
            case "histogram" -> Set.of("_bucket", "_sum", "_count").contains(suffix);
            case "summary" -> Set.of("_sum", "_count").contains(suffix);
            default -> false;
        };
    }

    private static Map<String, String> labels(String braces, String where) {
        Map<String, String> labels = new LinkedHashMap<>();
        String s = braces.substring(1, braces.length() - 1);
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0 || eq + 1 >= s.length() || s.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException(where + "a label is not name=\"value\"");
            }
            String name = s.substring(i, eq);
            if (!LABEL_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(where + "bad label name '" + name + "'");
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; ; j++) {
                if (j >= s.length()) {
                    throw new IllegalArgumentException(where + "unterminated value of " + name);
                }
                char c = s.charAt(j);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char next = j + 1 < s.length() ? s.charAt(++j) : ' ';
                    switch (next) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default ->
                                throw new IllegalArgumentException(
                                        where + "bad escape in the value of " + name);
                    }
                } else {
                    value.append(c);
                }
            }
            if (labels.put(name, value.toString()) != null) {
                throw new IllegalArgumentException(where + "label " + name + " twice");
            }
            i = j + 1;
            if (i < s.length()) {
                if (s.charAt(i) != ',') {
                    throw new IllegalArgumentException(where + "labels not separated by ','");
                }
                i++;
            }
        }
        return labels;
    }

    private static double value(String text, String where) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                if (!text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException(where + "'" + text + "' is not a number");
                }
                return Double.parseDouble(text);
        }
    }

    /** Buckets of each histogram series: with {@code le}, cumulative, ending with +Inf = count. */
    private void checkHistograms() {
        types.forEach(
                (family, type) -> {
                    if (!type.equals("histogram")) {
                        return;
                    }
                    Map<Map<String, String>, List<Sample>> series = new HashMap<>();
                    for (Sample b : samples(family + "_bucket")) {
                        if (!b.labels().containsKey("le")) {
                            throw new IllegalArgumentException(b + ": a bucket without le");
                        }
                        Map<String, String> rest = new HashMap<>(b.labels());
                        rest.remove("le");
                        series.computeIfAbsent(rest, k -> new ArrayList<>()).add(b);
                    }
                    series.forEach(
                            (labels, buckets) -> {
                                double previousLe = Double.NEGATIVE_INFINITY;
                                double previousCount = 0;
                                for (Sample b : buckets) {
                                    double le = value(b.labels().get("le"), b + ": ");
                                    if (le <= previousLe || b.value() < previousCount) {
                                        throw new IllegalArgumentException(
                                                b + ": buckets not in order or not cumulative");
                                    }
                                    previousLe = le;
                                    previousCount = b.value();
                                }
                                Sample last = buckets.get(buckets.size() - 1);
                                if (!last.labels().get("le").equals("+Inf")) {
                                    throw new IllegalArgumentException(
                                            family + labels + ": no +Inf bucket");
                                }
                                List<Sample> count =
                                        samples(family + "_count").stream()
                                                .filter(c -> c.labels().equals(labels))
                                                .toList();
                                if (count.size() != 1 || last.value() != count.get(0).value()) {
                                    throw new IllegalArgumentException(
                                            family + labels + ": +Inf bucket differs from _count");
                                }
                            });
                });
    }
}
