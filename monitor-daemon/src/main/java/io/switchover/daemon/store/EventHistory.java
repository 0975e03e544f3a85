package io.switchover.daemon.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchover.core.state.Notice;
import io.switchover.core.state.Transition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of the node's decisions: every transition with its reason, every notice, every
 * failed hook, appended as one JSON line (see {@link HistoryEvent}) to {@code events.jsonl} in the
 * data directory and read back, newest last, by the admin API and the CLI.
 *
 * <p>Each append is fsynced before it returns: events are rare (a few per switchover) and the one
 * that explains a takeover is exactly the one a crash must not lose. The size is bounded: when the
 * next line would take {@code events.jsonl} beyond {@code maxBytes}, it is renamed to {@code
 * events.jsonl.1} (replacing the previous one) and a new file begins, so the history never takes
 * more than about twice {@code maxBytes}.
 *
 * <p>A crash during an append can leave a torn last line. Opening the history cuts it off with a
 * warning (the append it belonged to never returned, so nothing acknowledged is lost, and the next
 * append must not be glued to it); any other line that does not parse is skipped with a warning
 * when read, never fatal.
 *
 * <p>Thread-safe: appends come from the core's listener and the hook thread, reads from the admin
 * API. Appends block for one fsync, which callers on the core's executor accept because events are
 * rare.
 */
public final class EventHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventHistory.class);

    /** The current file's name in the data directory. */
    public static final String FILE = "events.jsonl";

    /** The previous file's name, kept after a rotation. */
    public static final String ROTATED_FILE = FILE + ".1";

    /** 4 MiB per file: thousands of switchovers, a few milliseconds to read back. */
    public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;

    private static final int SHOWN_FRAGMENT_CHARS = 200;

    private final Path current;
    private final Path rotated;
    private final long maxBytes;
    private final Clock clock;

    /** Strict about trailing tokens, so that two lines glued together count as damaged. */
    private final ObjectMapper json =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Damaged lines already warned about, so that polling the history does not flood the log. */
    private final Set<String> warned = new HashSet<>();

    private FileChannel channel;
    private volatile long nextSequence;

    private EventHistory(Path directory, long maxBytes, Clock clock) {
        this.current = directory.resolve(FILE);
        this.rotated = directory.resolve(ROTATED_FILE);
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /**
     * Opens the history of {@code directory}, repairing a torn last line, and continues its
     * sequence numbers.
     *
     * @param maxBytes the size beyond which the file is rotated; positive
     * @throws StorageException if the files cannot be read or opened for appending
     */
    public static EventHistory open(DataDirectory directory, long maxBytes, Clock clock) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        EventHistory history = new EventHistory(directory.path(), maxBytes, clock);
        history.start();
        return history;
    }

    /**
     * Appends an event of {@code type} with {@code fields} (in their iteration order) and returns
     * once it is durable.
     *
     * @throws IllegalArgumentException if a field name is reserved or a value is not a string,
     *     number, boolean or enum
     * @throws StorageException if the event could not be written durably
     */
    public synchronized HistoryEvent append(String type, Map<String, ?> fields) {
        if (channel == null) {
            throw new IllegalStateException("event history " + current + " is closed");
        }
        HistoryEvent event =
                new HistoryEvent(
                        clock.instant().truncatedTo(ChronoUnit.MILLIS),
                        nextSequence,
                        type,
                        new LinkedHashMap<>(fields));
        byte[] line = toLine(event);
        try {
            if (channel.size() > 0 && channel.size() + line.length > maxBytes) {
                rotate();
            }
            write(line);
        } catch (IOException e) {
            throw new StorageException(
                    "could not record " + type + " event in " + current + ": " + e, e);
        }
        nextSequence++;
        return event;
    }

    /** Records a change of role with its reason. */
    public HistoryEvent appendTransition(Transition transition) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("from", transition.from());
        fields.put("to", transition.to());
        fields.put("cause", transition.reason().cause());
        fields.put("detail", transition.reason().detail());
        fields.put("generation", transition.generation());
        return append(HistoryEvent.TRANSITION, fields);
    }

    /** Records a notice of the core (a blocked promotion, a split brain won...). */
    public HistoryEvent appendNotice(Notice notice) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("kind", notice.kind());
        fields.put("detail", notice.detail());
        return append(HistoryEvent.NOTICE, fields);
    }

    /**
     * The last {@code count} events, oldest first, from the current file and, if it holds fewer,
     * the rotated one. Damaged lines are skipped (with a warning the first time).
     *
     * @throws StorageException if a file exists but cannot be read
     */
    public synchronized List<HistoryEvent> readLast(int count) {
        if (count <= 0) {
            return List.of();
        }
        List<HistoryEvent> events = read(current);
        if (events.size() < count) {
            List<HistoryEvent> older = read(rotated);
            older.addAll(events);
            events = older;
        }
        return List.copyOf(events.subList(Math.max(0, events.size() - count), events.size()));
    }

    /** The sequence number of the newest event recorded (0 before the first). */
    public long lastSequence() {
        return nextSequence - 1;
    }

    /** The current file. */
    public Path file() {
        return current;
    }

    @Override
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Every append was already forced to disk; closing has nothing left to make durable.
            log.warn("could not close event history {}: {}", current, e.toString());
        } finally {
            channel = null;
        }
    }

    private void start() {
        try {
            cutTornLastLine();
            List<HistoryEvent> known = read(current);
            if (known.isEmpty()) {
                known = read(rotated);
            }
            nextSequence = known.isEmpty() ? 1 : known.get(known.size() - 1).sequence() + 1;
            openForAppend();
        } catch (IOException e) {
            throw new StorageException(
                    "could not open event history " + current + ": " + e.getMessage(), e);
        }
    }

    private void cutTornLastLine() throws IOException {
        if (!Files.exists(current)) {
            return;
        }
        try (FileChannel file =
                FileChannel.open(current, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = file.size();
            if (size == 0 || lastByte(file, size) == '\n') {
                return;
            }
            long keep = lengthThroughLastNewline(file, size);
            byte[] fragment = new byte[(int) Math.min(size - keep, SHOWN_FRAGMENT_CHARS)];
            file.read(ByteBuffer.wrap(fragment), keep);
            log.warn(
                    "event history {} ends with a torn line (a crash during an append); removed"
                            + " its {} bytes: {}",
                    current,
                    size - keep,
                    new String(fragment, StandardCharsets.UTF_8));
            file.truncate(keep);
            file.force(true);
        }
    }

    private static byte lastByte(FileChannel file, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        file.read(one, size - 1);
        return one.get(0);
    }

    /** Scans backwards in blocks for the last newline; 0 if there is none. */
    private static long lengthThroughLastNewline(FileChannel file, long size) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(8192);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - block.capacity());
            block.clear().limit((int) (end - start));
            while (block.hasRemaining() && file.read(block, start + block.position()) >= 0) {
                // read until the block is full
            }
            for (int i = block.position() - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private void openForAppend() throws IOException {
        boolean created = !Files.exists(current);
        channel =
                FileChannel.open(
                        current,
                        Set.of(
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.APPEND),
                        DurableFiles.ownerOnly());
        if (created) {
            DurableFiles.syncDirectory(current.getParent());
        }
    }

    private void rotate() throws IOException {
        channel.close();
        try {
            Files.move(current, rotated, StandardCopyOption.ATOMIC_MOVE);
            warned.clear();
        } finally {
            // After a failed rename this reopens the same file, and the next append tries again;
            // after a successful one it starts the new file and makes the rename durable.
            openForAppend();
        }
        log.info("event history rotated: {} -> {}", current, rotated);
    }

    private void write(byte[] line) throws IOException {
        long before = channel.size();
        try {
            DurableFiles.writeFully(channel, ByteBuffer.wrap(line));
            // force(false) is fdatasync: it also flushes the new size, which is all the metadata
            // that reading the line back needs.
            channel.force(false);
        } catch (IOException e) {
            // Cut a partial line now so that the next append does not continue it.
            try {
                channel.truncate(before);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private byte[] toLine(HistoryEvent event) {
        ObjectNode node = json.createObjectNode();
        node.put("time", event.time().toString());
        node.put("sequence", event.sequence());
        node.put("type", event.type());
        event.fields()
                .forEach(
                        (name, value) -> {
                            if (value instanceof Long l) {
                                node.put(name, l);
                            } else if (value instanceof Double d) {
                                node.put(name, d);
                            } else if (value instanceof Boolean b) {
                                node.put(name, b);
                            } else {
                                node.put(name, (String) value);
                            }
                        });
        try {
            byte[] body = json.writeValueAsBytes(node);
            byte[] line = new byte[body.length + 1];
            System.arraycopy(body, 0, line, 0, body.length);
            line[body.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a flat JSON object always serialises", e);
        }
    }

    /** The events of {@code file}, in order; empty if it does not exist. */
    private List<HistoryEvent> read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        } catch (IOException e) {
            throw new StorageException(
                    "could not read event history " + file + ": " + e.getMessage(), e);
        }
        List<HistoryEvent> events = new ArrayList<>();
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            try {
                events.add(parse(line));
            } catch (JsonProcessingException e) {
                warnDamaged(file, i + 1, i == lines.length - 1, e.getOriginalMessage(), line);
            } catch (IllegalArgumentException | IOException | DateTimeParseException e) {
                warnDamaged(file, i + 1, i == lines.length - 1, e.getMessage(), line);
            }
        }
        return events;
    }

    private void warnDamaged(Path file, int lineNumber, boolean last, String why, String line) {
        if (!warned.add(file + ":" + lineNumber + ":" + line.hashCode())) {
            return;
        }
        log.warn(
                "event history {} line {}{} is damaged and skipped ({}): {}",
                file,
                lineNumber,
                last ? " (the last, torn by a crash?)" : "",
                why,
                line.length() > SHOWN_FRAGMENT_CHARS
                        ? line.substring(0, SHOWN_FRAGMENT_CHARS) + "..."
                        : line);
    }

    private HistoryEvent parse(String line) throws IOException {
        JsonNode node = json.readTree(line);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode time = node.get("time");
        JsonNode sequence = node.get("sequence");
        JsonNode type = node.get("type");
        if (time == null || !time.isTextual()) {
            throw new IllegalArgumentException("no time");
        }
        if (sequence == null || !sequence.canConvertToLong() || !sequence.isIntegralNumber()) {
            throw new IllegalArgumentException("no sequence");
        }
        if (type == null || !type.isTextual()) {
            throw new IllegalArgumentException("no type");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!HistoryEvent.RESERVED.contains(entry.getKey())) {
                fields.put(entry.getKey(), value(entry.getValue()));
            }
        }
        return new HistoryEvent(
                Instant.parse(time.asText()), sequence.asLong(), type.asText(), fields);
    }

    /** Flat values as written; anything else (from a newer release) as its JSON text. */
    private static Object value(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isFloatingPointNumber()) {
            return node.asDouble();
        }
        return node.toString();
    }
}
