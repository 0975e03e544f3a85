package io.switchover.daemon.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration file.
 *
 * @param path the key path as written in the file, e.g. {@code ping.delay} or {@code
 *     nettest.addresses[1]}; empty for a problem with the file as a whole (unreadable, not YAML)
 * @param value the value as the operator wrote it, or {@code null} when there is none (a missing
 *     key, an unknown key, a section where a value was expected)
 * @param message what is wrong and what is allowed, phrased to follow the value: {@code must be
 *     between 1ms and 600s}, {@code is required}
 */
public record ConfigProblem(String path, String value, String message) {

    /** Values longer than this are cut in the rendering; the key path already says where. */
    private static final int MAX_RENDERED_VALUE = 80;

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /**
     * One line for the CLI and the daemon's startup log: {@code ping.delay: "0s" must be between
     * 1ms and 600s}, {@code node.id: is required}, or only the message for a file-wide problem.
     */
    public String render() {
        StringBuilder line = new StringBuilder();
        if (!path.isEmpty()) {
            line.append(path).append(": ");
        }
        if (value != null) {
            line.append(quote(value)).append(' ');
        }
        return line.append(message).toString();
    }

    @Override
    public String toString() {
        return render();
    }

    /** Double quotes with escapes, so that empty values, spaces and control characters show. */
    private static String quote(String raw) {
        String shown =
                raw.length() > MAX_RENDERED_VALUE
                        ? raw.substring(0, MAX_RENDERED_VALUE) + "..."
                        : raw;
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
