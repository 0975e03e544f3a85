package io.switchover.daemon.snmp;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A secret of the {@code snmp} section (a v2c community, a v3 passphrase) as read from its file
 * when the configuration was loaded. Not a record: its bytes must not leak through {@code
 * toString}, and every caller gets its own copy.
 */
public final class Passphrase {

    private final Path file;
    private final byte[] bytes;

    public Passphrase(Path file, byte[] bytes) {
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

    @Override
    public String toString() {
        return "Passphrase[" + file + ", " + bytes.length + " bytes]";
    }
}
