package io.switchover.daemon.store;

import io.switchover.core.port.GenerationStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The core's generation number in the file {@code generation} of the data directory: the decimal
 * number and a newline, readable with {@code cat}.
 *
 * <p>Each store replaces the file atomically and durably before returning (see {@link
 * DurableFiles}), so after a crash the file holds the old number or the new one. A file that is
 * present but empty or not a number is an error naming the file, never 0: damaged state must be
 * seen by an operator, not silently turned into "this node never was primary". Removing the file is
 * the operator's deliberate reset (the node then adopts its peer's generation, and loses any
 * split-brain comparison, which is the safe side). The file carries no checksum: a flipped digit on
 * a healthy file system is outside what it defends against.
 *
 * <p>Calls are synchronous on the caller's thread (the core's executor) and not meant to be
 * concurrent.
 */
public final class FileGenerationStore implements GenerationStore {

    /** The file's name in the data directory. */
    public static final String FILE = "generation";

    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,19}\n?");

    private final Path file;

    /** {@code directory} must be open (locked) for as long as this store is used. */
    public FileGenerationStore(DataDirectory directory) {
        this.file = directory.resolve(FILE);
    }

    /** The file holding the generation. */
    public Path file() {
        return file;
    }

    /**
     * @throws StorageException if the file exists but cannot be read or does not hold a number
     */
    @Override
    public long load() {
        String text;
        try {
            // Latin-1 decodes any byte, so garbage is reported as corrupt, not as unreadable.
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new StorageException(
                    "could not read generation file " + file + ": " + e.getMessage(), e);
        }
        if (!NUMBER.matcher(text).matches()) {
            throw corrupt(text);
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw corrupt(text);
        }
    }

    /**
     * @throws StorageException if the number could not be made durable; the core then does not
     *     promote
     */
    @Override
    public void store(long generation) {
        if (generation < 0) {
            throw new IllegalArgumentException("generation " + generation + " is negative");
        }
        try {
            DurableFiles.replace(file, (generation + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new StorageException(
                    "could not store generation " + generation + " in " + file + ": " + e, e);
        }
    }

    private StorageException corrupt(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return new StorageException(
                "generation file "
                        + file
                        + " is corrupt: expected a non-negative decimal number, found \""
                        + shown.replace("\n", "\\n")
                        + "\"; write the other node's generation into it, or remove it (this node"
                        + " then starts at 0 and loses any split-brain comparison)");
    }
}
