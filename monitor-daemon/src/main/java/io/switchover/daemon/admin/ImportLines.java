package io.switchover.daemon.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.registry.KeyValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The keys of an import body (the export's JSON Lines), read one line at a time as the registry
 * takes them: the body is never held whole, only its current line, of at most {@code maxLineBytes}.
 *
 * <p>Line 1 is the header; then key lines; then, optionally (a file written by hand has none), the
 * end line, whose count must match and after which nothing may follow. Blank lines are skipped. A
 * line that is not what it should be stops the import with {@link BadLine}, which names the line.
 */
final class ImportLines implements Iterator<KeyValues> {
    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean eof;

    private long line;
    private long keys;
    private boolean headerRead;
    private boolean endRead;
    private KeyValues next;

    ImportLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** A line of the body that cannot be imported; the message starts with its number. */
    static final class BadLine extends RuntimeException {
        private final long line;

        BadLine(long line, String problem) {
            super("line " + line + ": " + problem, null, false, false);
            this.line = line;
        }

        long line() {
            return line;
        }
    }

    /** The number of the line read last (1 is the header). */
    long line() {
        return line;
    }

    /** Reads and checks the header, so that a wrong file fails before anything is written. */
    void readHeader() {
        if (headerRead) {
            return;
        }
        JsonNode header = nextDocument();
        if (header == null) {
            throw new BadLine(
                    1,
                    "the body is empty; an import starts with the header line"
                            + " {\"format\":\""
                            + RegistryJson.FORMAT
                            + "\",\"version\":"
                            + RegistryJson.VERSION
                            + "} that an export writes");
        }
        if (!RegistryJson.FORMAT.equals(header.path("format").asText())) {
            throw new BadLine(
                    line,
                    "not a registry export: the first line must be the header {\"format\":\""
                            + RegistryJson.FORMAT
                            + "\",\"version\":"
                            + RegistryJson.VERSION
                            + ",...}");
        }
        if (header.path("version").asInt(-1) != RegistryJson.VERSION) {
            throw new BadLine(
                    line,
                    "export format version "
                            + header.path("version")
                            + " is not supported; this daemon reads version "
                            + RegistryJson.VERSION);
        }
        headerRead = true;
    }

    @Override
    public boolean hasNext() {
        readHeader();
        while (next == null) {
            JsonNode doc = nextDocument();
            if (doc == null) {
                return false;
            }
            if (endRead) {
                throw new BadLine(line, "nothing may follow the end line {\"end\":true,...}");
            }
            if (doc.has("end")) {
                long declared = doc.path("keys").asLong(-1);
                if (declared != keys) {
                    throw new BadLine(
                            line,
                            "the end line says "
                                    + doc.path("keys")
                                    + " keys but "
                                    + keys
                                    + " came before it; the file is damaged or was edited");
                }
                endRead = true;
                continue;
            }
            try {
                next = RegistryJson.keyLine(doc);
            } catch (RegistryJson.Malformed e) {
                throw new BadLine(line, e.getMessage());
            }
            keys++;
        }
        return true;
    }

    @Override
    public KeyValues next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more keys after line " + line);
        }
        KeyValues kv = next;
        next = null;
        return kv;
    }

    /** The next non-blank line as a JSON object, or null at the end of the body. */
    private JsonNode nextDocument() {
        while (true) {
            byte[] bytes = readLine();
            if (bytes == null) {
                return null;
            }
            if (isBlank(bytes)) {
                continue;
            }
            JsonNode doc;
            try {
                doc = RegistryJson.LINES.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw new BadLine(line, "not JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (doc == null || !doc.isObject()) {
                throw new BadLine(line, "each line must be one JSON object");
            }
            return doc;
        }
    }

    /** The next line without its end ({@code \n} or {@code \r\n}), or null at the end. */
    private byte[] readLine() {
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        while (true) {
            if (position == limit) {
                if (eof || !fill()) {
                    if (current.size() == 0) {
                        return null;
                    }
                    line++;
                    return current.toByteArray();
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int length = position - start;
            if (current.size() + length > maxLineBytes) {
                throw new BadLine(
                        line + 1,
                        "longer than "
                                + maxLineBytes
                                + " bytes, the most one key may take in an import");
            }
            current.write(buffer, start, length);
            if (position < limit) {
                position++; // the '\n'
                line++;
                byte[] bytes = current.toByteArray();
                int n = bytes.length;
                return n > 0 && bytes[n - 1] == '\r' ? Arrays.copyOf(bytes, n - 1) : bytes;
            }
        }
    }

    private boolean fill() {
        try {
            int n = in.read(buffer);
            if (n < 0) {
                eof = true;
                return false;
            }
            position = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "the import body broke off after line " + line + ": " + e.getMessage(), e);
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
