package io.switchover.daemon.registry;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.switchover.core.registry.KeyPath;
import io.switchover.core.registry.Registry;
import io.switchover.daemon.store.StorageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Trees kept aside for the operator: when a node's registry is about to be overwritten although it
 * may hold writes that exist nowhere else (it lost a split brain, or it was primary, crashed and
 * came back as backup), the whole tree is first exported here, in the same JSON Lines format as
 * {@code switchoverctl registry export}, so that {@code switchoverctl registry import} can bring
 * back what the operator decides to keep. Files are written whole (temporary file, fsync, rename)
 * and never removed by switchoverd.
 */
final class KeptAside {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();

    private final Path dir;
    private final String nodeId;

    KeptAside(Path dir, String nodeId) {
        this.dir = dir;
        this.nodeId = nodeId;
    }

    /** Writes the whole tree; returns the file. */
    Path export(Registry registry, String label, long generation, String why) {
        Instant now = Instant.now();
        Path file = dir.resolve("registry-" + label + "-" + STAMP.format(now) + ".jsonl");
        for (int i = 2; Files.exists(file); i++) {
            file = dir.resolve("registry-" + label + "-" + STAMP.format(now) + "-" + i + ".jsonl");
        }
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch =
                            FileChannel.open(
                                    tmp,
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.TRUNCATE_EXISTING,
                                    StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8);
                // One object per line and nothing else: no separator between root values.
                g.setRootValueSeparator(null);
                g.writeStartObject();
                g.writeStringField("format", RegistryExportFormat.FORMAT);
                g.writeNumberField("version", RegistryExportFormat.VERSION);
                g.writeStringField("key", "/");
                g.writeStringField("node", nodeId);
                g.writeNumberField("generation", generation);
                g.writeNumberField("seq", registry.lastSeq());
                g.writeStringField("exportedAt", now.toString());
                g.writeStringField("reason", why);
                g.writeEndObject();
                g.writeRaw('\n');
                IOException[] failure = new IOException[1];
                registry.export(
                        KeyPath.ROOT,
                        kv -> {
                            if (failure[0] != null) {
                                return;
                            }
                            try {
                                g.writeStartObject();
                                g.writeStringField("key", kv.key().toString());
                                g.writeObjectFieldStart("values");
                                for (Map.Entry<String, String> e : kv.values().entrySet()) {
                                    g.writeStringField(e.getKey(), e.getValue());
                                }
                                g.writeEndObject();
                                g.writeEndObject();
                                g.writeRaw('\n');
                            } catch (IOException e) {
                                failure[0] = e;
                            }
                        });
                if (failure[0] != null) {
                    throw failure[0];
                }
                g.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new StorageException(
                    file + ": cannot keep the registry tree aside: " + e.getMessage(), e);
        }
    }

    /** The kept-aside files by name (label, then time), as strings for status. */
    List<String> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .map(Path::toString)
                    .toList();
        } catch (IOException e) {
            return List.of(dir + ": cannot list: " + e.getMessage());
        }
    }
}
