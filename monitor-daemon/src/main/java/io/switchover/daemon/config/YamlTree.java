package io.switchover.daemon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The YAML file as a tree whose scalars keep the text exactly as written.
 *
 * <p>Why not Jackson's {@code JsonNode}: YAML guesses types ({@code release: 2.10} would become the
 * number 2.1, {@code node.id: no} the boolean false), and the configuration wants each value read
 * as the type its key expects, from the operator's own text. Building the tree from the token
 * stream also lets a duplicate key or an alias be reported as a problem at its key path while the
 * rest of the file is still checked.
 */
final class YamlTree {

    /** A syntax error ends the parse: what follows it cannot be trusted to mean anything. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /** A value in the tree, with where it starts in the file (1-based). */
    sealed interface Node {
        int line();

        /** What the value is, for "must be a duration, not a mapping". */
        String kind();
    }

    /** A scalar as written (without quotes), never empty: empty values are {@link Empty}. */
    record Scalar(String text, int line) implements Node {
        @Override
        public String kind() {
            return "a single value";
        }
    }

    /** No value: {@code key:}, {@code key: ~}, {@code key: null}, {@code key: ""}. */
    record Empty(int line) implements Node {
        @Override
        public String kind() {
            return "empty";
        }
    }

    record Sequence(List<Node> items, int line) implements Node {
        Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    record Mapping(Map<String, Node> entries, int line) implements Node {
        Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        static Mapping empty() {
            return new Mapping(Map.of(), 1);
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    /** Where SnakeYAML's message places the problem: its last mark is the offending token. */
    private static final Pattern MARK = Pattern.compile("line (\\d+), column (\\d+)");

    private final JsonParser parser;
    private final List<ConfigProblem> problems;

    private YamlTree(JsonParser parser, List<ConfigProblem> problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /**
     * Parses a whole file.
     *
     * @param problems receives duplicate keys, aliases and extra documents, which leave the rest of
     *     the file readable
     * @return the root, or empty for a file without any document (blank or only comments)
     * @throws SyntaxError for text that is not YAML, with line and column
     */
    static Optional<Node> parse(String text, List<ConfigProblem> problems) throws SyntaxError {
        try (JsonParser parser = FACTORY.createParser(text)) {
            YamlTree tree = new YamlTree(parser, problems);
            if (parser.nextToken() == null) {
                return Optional.empty();
            }
            Node root = tree.value("");
            if (parser.nextToken() != null) {
                problems.add(
                        new ConfigProblem(
                                "",
                                null,
                                "the file has a second YAML document at line "
                                        + tree.line()
                                        + " (after ---), which would be ignored; keep the whole"
                                        + " configuration in one document"));
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            throw new SyntaxError(describe(e));
        } catch (IOException e) {
            // Reading from a String: only the parser's own failures, reported like syntax errors.
            throw new SyntaxError("the file is not readable as YAML: " + e.getMessage());
        }
    }

    /** Reads the value at the current token, leaving the parser on its last token. */
    private Node value(String path) throws IOException {
        int line = line();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT:
                return mapping(path, line);
            case START_ARRAY:
                return sequence(path, line);
            case VALUE_NULL:
                return new Empty(line);
            default:
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    problems.add(
                            new ConfigProblem(
                                    path,
                                    "*" + parser.getText(),
                                    "is a YAML alias; aliases are not supported, write the value"
                                            + " out"));
                    return new Empty(line);
                }
                String text = parser.getText();
                return text.isEmpty() ? new Empty(line) : new Scalar(text, line);
        }
    }

    private Mapping mapping(String path, int line) throws IOException {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = line();
            parser.nextToken();
            String childPath = path.isEmpty() ? key : path + "." + key;
            Node child = value(childPath);
            if (entries.containsKey(key)) {
                problems.add(
                        new ConfigProblem(
                                childPath,
                                null,
                                "is given twice (lines "
                                        + keyLines.get(key)
                                        + " and "
                                        + keyLine
                                        + "); keep one"));
            } else {
                entries.put(key, child);
                keyLines.put(key, keyLine);
            }
        }
        return new Mapping(entries, line);
    }

    private Sequence sequence(String path, int line) throws IOException {
        List<Node> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(path + "[" + items.size() + "]"));
        }
        return new Sequence(items, line);
    }

    private int line() {
        return parser.currentTokenLocation().getLineNr();
    }

    /**
     * One line from a parser failure: SnakeYAML's sentences (without its source excerpts) and the
     * position of the offending token.
     */
    private static String describe(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        List<String> sentences = new ArrayList<>();
        String position = null;
        for (String line : original.split("\\R")) {
            Matcher mark = MARK.matcher(line);
            if (line.startsWith(" in ") && mark.find()) {
                position = "line " + mark.group(1) + ", column " + mark.group(2);
            } else if (!line.isBlank() && !line.startsWith(" ")) {
                sentences.add(line.strip());
            }
        }
        if (position == null) {
            JsonLocation at = e.getLocation();
            position =
                    at == null
                            ? "an unknown position"
                            : "line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        String what = sentences.isEmpty() ? "invalid YAML" : String.join(": ", sentences);
        return "the file is not valid YAML at " + position + ": " + what;
    }
}
