package io.switchover.daemon.config;

import io.switchover.core.time.Durations;
import io.switchover.daemon.config.YamlTree.Empty;
import io.switchover.daemon.config.YamlTree.Mapping;
import io.switchover.daemon.config.YamlTree.Node;
import io.switchover.daemon.config.YamlTree.Scalar;
import io.switchover.daemon.config.YamlTree.Sequence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one mapping of the file, key by key, as the type each key expects, and reports what is
 * wrong under the key's full path.
 *
 * <p>The keys a section knows are exactly the keys asked of it; {@link #finish()} reports every
 * other key in the file as unknown, with the closest known one as a suggestion. So the schema is
 * the reading code itself and cannot drift from a separate list. An absent section answers every
 * key with "not set", so its keys are still known and defaults apply.
 *
 * <p>Readers return empty both when the key is absent and when its value is wrong (reported);
 * callers apply defaults and, for required keys, {@link #require}, which stays silent when a
 * problem was already reported for the key.
 */
final class Section {

    private final Binding binding;
    private final String path;
    private final Mapping mapping;
    private final boolean present;

    /** For an item of a list written in its short form, the one key it stands for; else null. */
    private final String shorthand;

    private final Set<String> asked = new LinkedHashSet<>();

    private Section(
            Binding binding, String path, Mapping mapping, boolean present, String shorthand) {
        this.binding = binding;
        this.path = path;
        this.mapping = mapping;
        this.present = present;
        this.shorthand = shorthand;
    }

    static Section root(Binding binding, Mapping root) {
        return new Section(binding, "", root, true, null);
    }

    /** Whether the file has this section with at least one key. */
    boolean present() {
        return present && !mapping.entries().isEmpty();
    }

    /** This section's own path, e.g. {@code notifier.tls}; empty for the file's top level. */
    String path() {
        return path;
    }

    /**
     * The full path of a key of this section; for a list item written in its short form, the key it
     * stands for is the item itself ({@code mirror.initial[0]}, not {@code
     * mirror.initial[0].path}).
     */
    String keyPath(String key) {
        if (key.equals(shorthand)) {
            return path;
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    Section section(String key) {
        Optional<Node> node = node(key, false);
        if (node.isPresent() && node.get() instanceof Mapping child) {
            return new Section(binding, keyPath(key), child, true, null);
        }
        if (node.isPresent()) {
            binding.problem(
                    keyPath(key),
                    null,
                    "must be a section of keys (" + key + ": {...}), not " + node.get().kind());
        }
        return new Section(binding, keyPath(key), Mapping.empty(), false, null);
    }

    /** Whether the key has a (possibly wrong) value in the file. */
    boolean has(String key) {
        Node node = mapping.entries().get(key);
        return node != null && !(node instanceof Empty);
    }

    /**
     * The value of a key, parsed by {@code parse}, which throws {@link IllegalArgumentException}
     * with a message that follows the value ("must be ...", "is not ...").
     *
     * @param expected what the key takes, for a value that is a list or section ("a duration")
     */
    <T> Optional<T> value(String key, String expected, Function<String, T> parse) {
        return scalar(key, expected).flatMap(text -> parse(keyPath(key), text, parse));
    }

    Optional<Duration> duration(String key) {
        return value(key, "a duration", Units::parseDuration);
    }

    Optional<Duration> duration(String key, Duration min, Duration max) {
        return within(key, duration(key), min, max, Durations::format);
    }

    Optional<Integer> integer(String key) {
        return value(key, "a whole number", Section::parseInt);
    }

    Optional<Integer> integer(String key, int min, int max) {
        return within(key, integer(key), min, max, String::valueOf);
    }

    Optional<Long> size(String key, long min, long max) {
        return within(key, value(key, "a size", Units::parseSize), min, max, Units::formatSize);
    }

    Optional<Boolean> bool(String key) {
        return value(
                key,
                "true or false",
                text -> {
                    if (text.equalsIgnoreCase("true")) {
                        return true;
                    }
                    if (text.equalsIgnoreCase("false")) {
                        return false;
                    }
                    throw new IllegalArgumentException("must be true or false");
                });
    }

    Optional<HostPort> hostPort(String key) {
        return value(key, HostPort.FORMS, HostPort::parse);
    }

    /** One of a closed set of words, with a suggestion for a near miss. */
    <E> Optional<E> choice(String key, Map<String, E> words) {
        return value(
                key,
                "one of " + String.join(", ", words.keySet()),
                text -> {
                    E chosen = words.get(text);
                    if (chosen == null) {
                        throw new IllegalArgumentException(
                                "must be one of "
                                        + String.join(", ", words.keySet())
                                        + Suggestions.didYouMean(text, words.keySet()));
                    }
                    return chosen;
                });
    }

    /** A path, resolved against the configuration's directory. */
    Optional<Path> filePath(String key, String expected) {
        return value(
                key,
                expected,
                text -> {
                    Optional<String> problem = Binding.pathProblem(text);
                    if (problem.isPresent()) {
                        throw new IllegalArgumentException(problem.get());
                    }
                    return binding.resolve(text);
                });
    }

    /**
     * A list of single values, each parsed by {@code parse}; problems are reported per item ({@code
     * key[2]}) and only the good items are returned.
     *
     * @param expected what one item is ("a script path")
     * @param example items for the message when the value is not a list
     */
    <T> Optional<List<T>> list(
            String key, String expected, String example, Function<String, T> parse) {
        Optional<Sequence> sequence = sequence(key, example);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        List<T> items = new ArrayList<>();
        for (int i = 0; i < sequence.get().items().size(); i++) {
            String itemPath = keyPath(key) + "[" + i + "]";
            Node item = sequence.get().items().get(i);
            if (item instanceof Scalar scalar) {
                binding.wrote(itemPath, scalar.text());
                parse(itemPath, scalar.text(), parse).ifPresent(items::add);
            } else {
                binding.problem(itemPath, null, "must be " + expected + ", not " + item.kind());
            }
        }
        return Optional.of(items);
    }

    /**
     * A list of sections ({@code key[0]}, {@code key[1]}, ...), each read like any section and
     * finished by the caller. An item written as a single value is the short form of a section with
     * only the key {@code shorthand} ({@code - /srv/x} for {@code - path: /srv/x}); problems with
     * that value are reported at the item itself.
     *
     * @param expected what the short form is ("a directory path")
     * @param example items for the message when the value is not a list
     */
    Optional<List<Section>> sections(
            String key, String shorthand, String expected, String example) {
        Optional<Sequence> sequence = sequence(key, example);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        List<Section> items = new ArrayList<>();
        for (int i = 0; i < sequence.get().items().size(); i++) {
            String itemPath = keyPath(key) + "[" + i + "]";
            Node item = sequence.get().items().get(i);
            if (item instanceof Mapping child) {
                items.add(new Section(binding, itemPath, child, true, null));
            } else if (item instanceof Scalar scalar) {
                Mapping shortForm = new Mapping(Map.of(shorthand, scalar), scalar.line());
                items.add(new Section(binding, itemPath, shortForm, true, shorthand));
            } else {
                binding.problem(
                        itemPath,
                        null,
                        "must be " + expected + " or a section of keys, not " + item.kind());
            }
        }
        return Optional.of(items);
    }

    /** Reports a missing required key, unless its value or section was already reported. */
    void require(String key, Optional<?> value, String why) {
        if (value.isEmpty() && !binding.hasProblemAt(keyPath(key))) {
            binding.problem(keyPath(key), null, "is required" + why);
        }
    }

    /** Reports a key that has a value but does not apply here (e.g. another check type's key). */
    void notApplicable(String key, String why) {
        if (has(key)) {
            binding.problem(keyPath(key), binding.written(keyPath(key)).orElse(null), why);
        }
    }

    /** Reports every key of the file's section that no reader asked for. */
    void finish() {
        for (String key : mapping.entries().keySet()) {
            if (!asked.contains(key)) {
                String hint = Suggestions.didYouMean(key, asked);
                binding.problem(
                        keyPath(key),
                        null,
                        "is not a known key"
                                + (hint.isEmpty()
                                        ? (path.isEmpty() ? "" : " of " + path)
                                                + "; known keys: "
                                                + String.join(", ", asked)
                                        : hint));
            }
        }
    }

    /** The list at a key; a value of another kind is reported with an example. */
    private Optional<Sequence> sequence(String key, String example) {
        Optional<Node> node = node(key, true);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get() instanceof Sequence sequence) {
            return Optional.of(sequence);
        }
        binding.problem(
                keyPath(key),
                writtenText(node.get()),
                "must be a list, e.g. " + key + ": [" + example + "]");
        return Optional.empty();
    }

    private Optional<String> scalar(String key, String expected) {
        Optional<Node> node = node(key, true);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get() instanceof Scalar scalar) {
            binding.wrote(keyPath(key), scalar.text());
            return Optional.of(scalar.text());
        }
        binding.problem(keyPath(key), null, "must be " + expected + ", not " + node.get().kind());
        return Optional.empty();
    }

    /** The node at a key, empty when absent or written without a value. */
    private Optional<Node> node(String key, boolean leaf) {
        asked.add(key);
        binding.asked(keyPath(key), leaf);
        Node node = mapping.entries().get(key);
        return node == null || node instanceof Empty ? Optional.empty() : Optional.of(node);
    }

    private <T> Optional<T> parse(String fullPath, String text, Function<String, T> parse) {
        try {
            return Optional.of(parse.apply(text));
        } catch (IllegalArgumentException e) {
            binding.problem(fullPath, text, e.getMessage());
            return Optional.empty();
        }
    }

    /** The value if it lies in [min, max]; else reports the range, in the key's own units. */
    private <T extends Comparable<T>> Optional<T> within(
            String key, Optional<T> value, T min, T max, Function<T, String> format) {
        if (value.isPresent()
                && (value.get().compareTo(min) < 0 || value.get().compareTo(max) > 0)) {
            binding.problem(
                    keyPath(key),
                    binding.written(keyPath(key)).orElse(null),
                    "must be between " + format.apply(min) + " and " + format.apply(max));
            return Optional.empty();
        }
        return value;
    }

    private static String writtenText(Node node) {
        return node instanceof Scalar scalar ? scalar.text() : null;
    }

    private static int parseInt(String text) {
        String digits = text.startsWith("-") ? text.substring(1) : text;
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("must be a whole number");
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException tooLarge) {
            throw new IllegalArgumentException("is too large");
        }
    }
}
