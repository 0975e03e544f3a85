package io.switchover.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The pair's shared secret, as read from {@code notifier.secret-file} when the configuration was
 * loaded. Not a record: its bytes must not leak through {@code toString}, and every caller gets its
 * own copy so no one can change the secret another holds.
 */
public final class SharedSecret {

    private final Path file;
    private final byte[] bytes;

    SharedSecret(Path file, byte[] bytes) {
        this.file = Objects.requireNonNull(file, "file");
        this.bytes = bytes.clone();
    }

    /** The file it was read from (absolute). */
    public Path file() {
        return file;
    }

    /** A copy of the secret. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "SharedSecret[" + file + ", " + bytes.length + " bytes]";
    }
}
