package io.switchover.daemon.registry;

import io.switchover.core.registry.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The registry replication session's own messages, carried as notifier requests; the tree
 * comparison's messages and the change batches are the core's ({@code RegistryCodec}). Layouts
 * (big-endian; strings as Java modified UTF-8 with a u16 length, as {@link DataOutputStream} writes
 * them) are in docs/protocol.md, "Registry replication".
 */
final class ReplicationWire {
    /** Backup to primary: start a session. Reply: {@link SubscribeReply}. */
    static final String SUBSCRIBE = "registry.subscribe";

    /** Backup to primary: the compare-and-update finished and the buffered changes are applied. */
    static final String SYNCED = "registry.synced";

    /** Primary to backup: the session ended on the primary's side, and why. */
    static final String ENDED = "registry.ended";

    /** Primary to backup: notifications of sequenced change batches, seq = the batch's last. */
    static final String CHANGES = "registry.changes";

    private static final int VERSION = 1;

    private ReplicationWire() {}

    /** u8 version, nodeId, i64 generation, i64 lastSeq. */
    record Subscribe(String nodeId, long generation, long lastSeq) {
        byte[] encode() {
            return write(
                    out -> {
                        out.writeByte(VERSION);
                        out.writeUTF(nodeId);
                        out.writeLong(generation);
                        out.writeLong(lastSeq);
                    });
        }

        static Subscribe decode(byte[] body) throws RegistryException {
            return read(
                    "subscribe",
                    body,
                    in -> {
                        version(in);
                        return new Subscribe(in.readUTF(), in.readLong(), in.readLong());
                    });
        }
    }

    /** u8 version, primary nodeId, i64 generation, i64 seq (the position the session starts at). */
    record SubscribeReply(String nodeId, long generation, long seq) {
        byte[] encode() {
            return write(
                    out -> {
                        out.writeByte(VERSION);
                        out.writeUTF(nodeId);
                        out.writeLong(generation);
                        out.writeLong(seq);
                    });
        }

        static SubscribeReply decode(byte[] body) throws RegistryException {
            return read(
                    "subscribe reply",
                    body,
                    in -> {
                        version(in);
                        return new SubscribeReply(in.readUTF(), in.readLong(), in.readLong());
                    });
        }
    }

    /** u8 version, i64 seq (the backup's position once in sync). */
    record Synced(long seq) {
        byte[] encode() {
            return write(
                    out -> {
                        out.writeByte(VERSION);
                        out.writeLong(seq);
                    });
        }

        static Synced decode(byte[] body) throws RegistryException {
            return read(
                    "synced",
                    body,
                    in -> {
                        version(in);
                        return new Synced(in.readLong());
                    });
        }
    }

    /** u8 version, reason. */
    record Ended(String reason) {
        byte[] encode() {
            return write(
                    out -> {
                        out.writeByte(VERSION);
                        out.writeUTF(reason.length() > 2000 ? reason.substring(0, 2000) : reason);
                    });
        }

        static Ended decode(byte[] body) throws RegistryException {
            return read(
                    "ended",
                    body,
                    in -> {
                        version(in);
                        return new Ended(in.readUTF());
                    });
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(String what, byte[] body, Reader<T> r) throws RegistryException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            T value = r.read(in);
            if (in.available() > 0) {
                throw new IOException(in.available() + " unexpected trailing bytes");
            }
            return value;
        } catch (IOException e) {
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    "malformed registry " + what + " message: " + e.getMessage());
        }
    }

    private static void version(DataInputStream in) throws IOException {
        int v = in.readUnsignedByte();
        if (v != VERSION) {
            throw new IOException("version " + v + ", this node speaks " + VERSION);
        }
    }
}
