package io.switchover.core.mirror;

import java.util.List;

/**
 * The bytes of the mirroring messages (layouts in docs/protocol.md). Every decoder checks lengths
 * and counts against what is left of the body and validates every path with {@link
 * MirrorPath#parse}, so a malformed or hostile message fails with a {@link MirrorException} naming
 * the problem (INVALID, or UNSAFE for a path that would escape) and never with a runtime exception.
 *
 * <p>Requests are named {@code mirror.*} and answered by the peer; file content travels as a stream
 * on topic {@link #FILE} whose header is a {@link FileHeader}.
 */
public final class MirrorCodec {

    /**
     * Backup to primary: start a mirroring session. Body {@link Subscribe}, reply {@link
     * SubscribeReply}.
     */
    public static final String SUBSCRIBE = "mirror.subscribe";

    /**
     * Primary to backup: list a directory or subtree. Body {@link ListRequest}, reply {@link
     * ListReply}.
     */
    public static final String LIST = "mirror.list";

    /** Primary to backup: content hashes. Body {@link HashRequest}, reply {@link HashReply}. */
    public static final String HASH = "mirror.hash";

    /** Primary to backup: apply steps. Body {@link ApplyRequest}, reply {@link ApplyReply}. */
    public static final String APPLY = "mirror.apply";

    /**
     * Primary to backup: every directory was compared; changes flow. Body {@link Synced}, empty
     * reply.
     */
    public static final String SYNCED = "mirror.synced";

    /** Either way: the session is over. Body {@link Ended}, empty reply. */
    public static final String ENDED = "mirror.ended";

    /** Stream topic: one file's content. Header {@link FileHeader}; result empty. */
    public static final String FILE = "mirror.file";

    /** SHA-256 of a file's content. */
    public static final int HASH_BYTES = 32;

    private MirrorCodec() {}

    public record Subscribe(String node, long generation, List<String> directories) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static Subscribe decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    /**
     * @param session the primary's number for this session, carried by every later message
     */
    public record SubscribeReply(String node, long generation, long session) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static SubscribeReply decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    /**
     * @param directory the directory's id (its path on the backup)
     * @param under the subtree to list (the root for the whole directory)
     * @param recursive whether to descend below the directory's own entries (the primary's rule)
     * @param excludes the primary's exclude globs, which the backup's listing applies too
     * @param after list only paths after this one (paging); the root for the first page
     * @param limit at most this many entries
     */
    public record ListRequest(
            long session,
            String directory,
            MirrorPath under,
            boolean recursive,
            List<String> excludes,
            MirrorPath after,
            int limit) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static ListRequest decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    /**
     * @param more whether entries after the last one remain
     */
    public record ListReply(List<FileEntry> entries, boolean more) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static ListReply decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    public record HashRequest(long session, String directory, List<MirrorPath> paths) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static HashRequest decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    /**
     * @param hashes per requested path, in order: {@link #HASH_BYTES} bytes, or empty if not a
     *     readable file
     */
    public record HashReply(List<byte[]> hashes) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static HashReply decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    /**
     * @param ops steps other than transfers, applied in order
     */
    public record ApplyRequest(long session, String directory, List<MirrorOp> ops) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static ApplyRequest decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    /** A step that failed: its index in the request, why, and whether it is a security refusal. */
    public record Failure(int index, MirrorException.Kind kind, String message) {}

    /**
     * @param failures the steps that failed (the others were applied)
     */
    public record ApplyReply(List<Failure> failures) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static ApplyReply decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    /** The header of a {@link #FILE} stream: which file, with the mode and time to give it. */
    public record FileHeader(long session, String directory, FileEntry entry) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static FileHeader decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    public record Synced(long session) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static Synced decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }

    public record Ended(long session, String reason) {
        public byte[] encode() {
            throw new UnsupportedOperationException("TODO");
        }

        public static Ended decode(byte[] body) throws MirrorException {
            throw new UnsupportedOperationException("TODO");
        }
    }
}
