package io.switchover.core.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The bytes of the mirroring messages (layouts in docs/protocol.md). Every decoder checks lengths
 * and counts against what is left of the body and validates every path with {@link
 * MirrorPath#parse}, so a malformed or hostile message fails with a {@link MirrorException} naming
 * the problem (INVALID, or UNSAFE for a path that would escape) and never with a runtime exception.
 *
 * <p>Requests are named {@code mirror.*} and answered by the peer; file content travels as a stream
 * on topic {@link #FILE} whose header is a {@link FileHeader}.
 *
 * <h2>Layouts</h2>
 *
 * <p>Primitives as in {@link Bytes}: {@code i64} big-endian, {@code varint} unsigned LEB128, {@code
 * zigzag} a signed varint, {@code str} varint length and strict UTF-8, {@code name} a non-empty
 * {@code str}, {@code path} a {@code str} that {@link MirrorPath#parse} accepts.
 *
 * <pre>
 * mirror.subscribe  name node | i64 generation | varint n | n x name directory
 *   reply           name node | i64 generation | i64 session
 * mirror.list       i64 session | name directory | path under | u8 recursive
 *                   | varint e | e x str glob | path after | varint limit (&gt;= 1)
 *   reply           varint m | m x entry (increasing paths) | u8 more (1 needs m &gt;= 1)
 * mirror.hash       i64 session | name directory | varint n | n x path
 *   reply           varint n | n x ( u8 0 | u8 1, 32 bytes SHA-256 )
 * mirror.apply      i64 session | name directory | varint n | n x step
 *   step            u8 0 delete, path | u8 1 make directory, entry | u8 2 link, entry
 *                   | u8 3 set attributes, entry
 *   reply           varint f | f x ( varint index (increasing) | u8 kind | str message )
 * mirror.file       header: i64 session | name directory | entry (a file); result: empty
 * mirror.files      header: i64 session | name directory | varint n | n x entry (files, increasing
 *                   paths); content: the files' contents one after another; result: as the reply
 *                   of mirror.apply, one failure per file that was not put in place
 * mirror.synced     i64 session
 * mirror.ended      i64 session | str reason
 * entry             path (not the root) | u8 type (0 file, 1 directory, 2 link)
 *                   | varint size | zigzag mtime | varint mode | str link target
 * </pre>
 *
 * <p>Wire codes (entry types, step tags, failure kinds) are fixed here, not by enum order.
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

    /**
     * Stream topic: several small files in one stream, their contents one after another. Header
     * {@link FilesHeader}; result an {@link ApplyReply} naming the files that were not put in
     * place. Saves a stream's round trips per file when many small files differ.
     */
    public static final String FILES = "mirror.files";

    /** SHA-256 of a file's content. */
    public static final int HASH_BYTES = 32;

    private MirrorCodec() {}

    /** Smallest encoded sizes, to bound counts by the bytes left. */
    private static final int MIN_STR = 1;

    private static final int MIN_NAME = 2;
    private static final int MIN_PATH = 2;
    private static final int MIN_ENTRY = MIN_PATH + 5;
    private static final int MIN_OP = 1 + MIN_PATH;
    private static final int MIN_FAILURE = 3;

    /** Entry types on the wire; fixed here, not by the enum's order. */
    private static final EntryType[] TYPES = {
        EntryType.FILE, EntryType.DIRECTORY, EntryType.SYMLINK
    };

    /** Failure kinds on the wire; fixed here, not by the enum's order. */
    private static final MirrorException.Kind[] KINDS = {
        MirrorException.Kind.UNSAFE,
        MirrorException.Kind.INVALID,
        MirrorException.Kind.NOT_CONFIGURED,
        MirrorException.Kind.NO_SPACE,
        MirrorException.Kind.IO
    };

    private static final int DELETE = 0;
    private static final int MAKE_DIRECTORY = 1;
    private static final int LINK = 2;
    private static final int SET_ATTRIBUTES = 3;

    public record Subscribe(String node, long generation, List<String> directories) {
        public Subscribe {
            Objects.requireNonNull(node, "node");
            directories = List.copyOf(directories);
        }

        public byte[] encode() {
            Bytes.Writer w =
                    new Bytes.Writer().str(node).i64(generation).varint(directories.size());
            directories.forEach(w::str);
            return w.bytes();
        }

        public static Subscribe decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, SUBSCRIBE);
            String node = r.name("node");
            long generation = r.i64("generation");
            int n = r.count("directory count", MIN_NAME);
            List<String> directories = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                directories.add(r.name("directory"));
            }
            r.end();
            return new Subscribe(node, generation, directories);
        }
    }

    /**
     * @param session the primary's number for this session, carried by every later message
     */
    public record SubscribeReply(String node, long generation, long session) {
        public SubscribeReply {
            Objects.requireNonNull(node, "node");
        }

        public byte[] encode() {
            return new Bytes.Writer().str(node).i64(generation).i64(session).bytes();
        }

        public static SubscribeReply decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, SUBSCRIBE + " reply");
            SubscribeReply reply =
                    new SubscribeReply(r.name("node"), r.i64("generation"), r.i64("session"));
            r.end();
            return reply;
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
        public ListRequest {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(under, "under");
            Objects.requireNonNull(after, "after");
            excludes = List.copyOf(excludes);
            if (limit < 1) {
                throw new IllegalArgumentException("limit " + limit + " lists nothing");
            }
        }

        public byte[] encode() {
            Bytes.Writer w =
                    new Bytes.Writer()
                            .i64(session)
                            .str(directory)
                            .path(under)
                            .flag(recursive)
                            .varint(excludes.size());
            excludes.forEach(w::str);
            return w.path(after).varint(limit).bytes();
        }

        public static ListRequest decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, LIST);
            long session = r.i64("session");
            String directory = r.name("directory");
            MirrorPath under = r.path("subtree");
            boolean recursive = r.flag("recursive flag");
            int n = r.count("exclude count", MIN_NAME);
            List<String> excludes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int at = r.offset();
                String pattern = r.str("exclude");
                try {
                    Glob.compile(pattern);
                } catch (IllegalArgumentException e) {
                    throw r.invalidAt(at, e.getMessage());
                }
                excludes.add(pattern);
            }
            MirrorPath after = r.path("resume path");
            int at = r.offset();
            int limit = r.varint("limit", Integer.MAX_VALUE);
            if (limit < 1) {
                throw r.invalidAt(at, "limit 0 lists nothing");
            }
            r.end();
            return new ListRequest(session, directory, under, recursive, excludes, after, limit);
        }
    }

    /**
     * @param more whether entries after the last one remain
     */
    public record ListReply(List<FileEntry> entries, boolean more) {
        public ListReply {
            entries = List.copyOf(entries);
        }

        public byte[] encode() {
            Bytes.Writer w = new Bytes.Writer().varint(entries.size());
            entries.forEach(e -> writeEntry(w, e));
            return w.flag(more).bytes();
        }

        /** Also checks that the entries are in path order, as a listing must be. */
        public static ListReply decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, LIST + " reply");
            int n = r.count("entry count", MIN_ENTRY);
            List<FileEntry> entries = new ArrayList<>(n);
            MirrorPath previous = null;
            for (int i = 0; i < n; i++) {
                int at = r.offset();
                FileEntry e = readEntry(r, "entry");
                if (previous != null && previous.compareTo(e.path()) >= 0) {
                    throw r.invalidAt(
                            at,
                            "entry '"
                                    + e.path()
                                    + "' is not after '"
                                    + previous
                                    + "' (a listing is sorted)");
                }
                previous = e.path();
                entries.add(e);
            }
            int at = r.offset();
            boolean more = r.flag("more flag");
            if (more && n == 0) {
                throw r.invalidAt(at, "says more follows after no entry");
            }
            r.end();
            return new ListReply(entries, more);
        }
    }

    public record HashRequest(long session, String directory, List<MirrorPath> paths) {
        public HashRequest {
            Objects.requireNonNull(directory, "directory");
            paths = List.copyOf(paths);
        }

        public byte[] encode() {
            Bytes.Writer w = new Bytes.Writer().i64(session).str(directory).varint(paths.size());
            paths.forEach(w::path);
            return w.bytes();
        }

        public static HashRequest decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, HASH);
            long session = r.i64("session");
            String directory = r.name("directory");
            int n = r.count("path count", MIN_PATH);
            List<MirrorPath> paths = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                paths.add(r.entryPath("path"));
            }
            r.end();
            return new HashRequest(session, directory, paths);
        }
    }

    /**
     * @param hashes per requested path, in order: {@link #HASH_BYTES} bytes, or empty if not a
     *     readable file
     */
    public record HashReply(List<byte[]> hashes) {
        /**
         * @throws IllegalArgumentException if a hash is neither empty nor {@link #HASH_BYTES} long
         */
        public HashReply {
            hashes = List.copyOf(hashes);
            for (byte[] hash : hashes) {
                if (hash.length != 0 && hash.length != HASH_BYTES) {
                    throw new IllegalArgumentException(
                            "a hash of " + hash.length + " bytes; SHA-256 has " + HASH_BYTES);
                }
            }
        }

        public byte[] encode() {
            Bytes.Writer w = new Bytes.Writer().varint(hashes.size());
            for (byte[] hash : hashes) {
                w.flag(hash.length > 0).fixed(hash);
            }
            return w.bytes();
        }

        public static HashReply decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, HASH + " reply");
            int n = r.count("hash count", 1);
            List<byte[]> hashes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                hashes.add(r.flag("hash flag") ? r.fixed(HASH_BYTES, "hash") : new byte[0]);
            }
            r.end();
            return new HashReply(hashes);
        }
    }

    /**
     * @param ops steps other than transfers, applied in order
     */
    public record ApplyRequest(long session, String directory, List<MirrorOp> ops) {
        /**
         * @throws IllegalArgumentException for a transfer (content travels as a {@link #FILE}
         *     stream)
         */
        public ApplyRequest {
            Objects.requireNonNull(directory, "directory");
            ops = List.copyOf(ops);
            for (MirrorOp op : ops) {
                if (op instanceof MirrorOp.Transfer) {
                    throw new IllegalArgumentException(
                            "transfer of '" + op.path() + "' in an apply request; it is a stream");
                }
            }
        }

        public byte[] encode() {
            Bytes.Writer w = new Bytes.Writer().i64(session).str(directory).varint(ops.size());
            for (MirrorOp op : ops) {
                if (op instanceof MirrorOp.Delete d) {
                    w.u8(DELETE).path(d.path());
                } else if (op instanceof MirrorOp.MakeDirectory m) {
                    writeEntry(w.u8(MAKE_DIRECTORY), m.entry());
                } else if (op instanceof MirrorOp.Link l) {
                    writeEntry(w.u8(LINK), l.entry());
                } else if (op instanceof MirrorOp.SetAttributes a) {
                    writeEntry(w.u8(SET_ATTRIBUTES), a.entry());
                }
            }
            return w.bytes();
        }

        public static ApplyRequest decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, APPLY);
            long session = r.i64("session");
            String directory = r.name("directory");
            int n = r.count("step count", MIN_OP);
            List<MirrorOp> ops = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ops.add(op(r));
            }
            r.end();
            return new ApplyRequest(session, directory, ops);
        }

        private static MirrorOp op(Bytes.Reader r) throws MirrorException {
            int at = r.offset();
            int tag = r.u8("step tag");
            if (tag == DELETE) {
                return new MirrorOp.Delete(r.entryPath("deleted path"));
            }
            if (tag > SET_ATTRIBUTES) {
                throw r.invalidAt(at, "unknown step tag " + tag);
            }
            int entryAt = r.offset();
            FileEntry e = readEntry(r, "step entry");
            if (tag == MAKE_DIRECTORY && e.type() == EntryType.DIRECTORY) {
                return new MirrorOp.MakeDirectory(e);
            }
            if (tag == LINK && e.type() == EntryType.SYMLINK) {
                return new MirrorOp.Link(e);
            }
            if (tag == SET_ATTRIBUTES && e.type() != EntryType.SYMLINK) {
                return new MirrorOp.SetAttributes(e);
            }
            throw r.invalidAt(entryAt, "step tag " + tag + " does not apply to a " + e.type());
        }
    }

    /** A step that failed: its index in the request, why, and whether it is a security refusal. */
    public record Failure(int index, MirrorException.Kind kind, String message) {
        public Failure {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
            if (index < 0) {
                throw new IllegalArgumentException("negative step index " + index);
            }
        }
    }

    /**
     * @param failures the steps that failed (the others were applied), in step order
     */
    public record ApplyReply(List<Failure> failures) {
        public ApplyReply {
            failures = List.copyOf(failures);
        }

        public byte[] encode() {
            Bytes.Writer w = new Bytes.Writer().varint(failures.size());
            for (Failure f : failures) {
                w.varint(f.index()).u8(List.of(KINDS).indexOf(f.kind())).str(f.message());
            }
            return w.bytes();
        }

        public static ApplyReply decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, APPLY + " reply");
            int n = r.count("failure count", MIN_FAILURE);
            List<Failure> failures = new ArrayList<>(n);
            int previous = -1;
            for (int i = 0; i < n; i++) {
                int at = r.offset();
                int index = r.varint("step index", Integer.MAX_VALUE);
                if (index <= previous) {
                    throw r.invalidAt(at, "step index " + index + " is not after " + previous);
                }
                previous = index;
                int kindAt = r.offset();
                int kind = r.u8("failure kind");
                if (kind >= KINDS.length) {
                    throw r.invalidAt(kindAt, "unknown failure kind " + kind);
                }
                failures.add(new Failure(index, KINDS[kind], r.str("failure message")));
            }
            r.end();
            return new ApplyReply(failures);
        }
    }

    /** The header of a {@link #FILE} stream: which file, with the mode and time to give it. */
    public record FileHeader(long session, String directory, FileEntry entry) {
        /**
         * @throws IllegalArgumentException if the entry is not a file
         */
        public FileHeader {
            Objects.requireNonNull(directory, "directory");
            if (entry.type() != EntryType.FILE) {
                throw new IllegalArgumentException(
                        "a file stream for '" + entry.path() + "', a " + entry.type());
            }
        }

        public byte[] encode() {
            Bytes.Writer w = new Bytes.Writer().i64(session).str(directory);
            writeEntry(w, entry);
            return w.bytes();
        }

        public static FileHeader decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, FILE + " header");
            long session = r.i64("session");
            String directory = r.name("directory");
            int at = r.offset();
            FileEntry entry = readEntry(r, "file");
            if (entry.type() != EntryType.FILE) {
                throw r.invalidAt(at, "streams a " + entry.type() + ", not a file");
            }
            r.end();
            return new FileHeader(session, directory, entry);
        }
    }

    /** The header of a {@link #FILES} stream: which files, in the order their contents follow. */
    public record FilesHeader(long session, String directory, List<FileEntry> entries) {
        /**
         * @throws IllegalArgumentException if an entry is not a file, or paths do not increase
         */
        public FilesHeader {
            Objects.requireNonNull(directory, "directory");
            entries = List.copyOf(entries);
            for (int i = 0; i < entries.size(); i++) {
                FileEntry e = entries.get(i);
                if (e.type() != EntryType.FILE) {
                    throw new IllegalArgumentException(
                            "a files stream for '" + e.path() + "', a " + e.type());
                }
                if (i > 0 && entries.get(i - 1).path().compareTo(e.path()) >= 0) {
                    throw new IllegalArgumentException(
                            "files stream paths do not increase at '" + e.path() + "'");
                }
            }
        }

        /** The bytes of content that follow: the files' sizes added up. */
        public long totalBytes() {
            long n = 0;
            for (FileEntry e : entries) {
                n += e.size();
            }
            return n;
        }

        public byte[] encode() {
            Bytes.Writer w = new Bytes.Writer().i64(session).str(directory).varint(entries.size());
            entries.forEach(e -> writeEntry(w, e));
            return w.bytes();
        }

        public static FilesHeader decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, FILES + " header");
            long session = r.i64("session");
            String directory = r.name("directory");
            int n = r.count("file count", MIN_ENTRY);
            List<FileEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int at = r.offset();
                FileEntry e = readEntry(r, "file");
                if (e.type() != EntryType.FILE) {
                    throw r.invalidAt(at, "streams a " + e.type() + ", not a file");
                }
                if (!entries.isEmpty()
                        && entries.get(entries.size() - 1).path().compareTo(e.path()) >= 0) {
                    throw r.invalidAt(at, "paths do not increase at '" + e.path() + "'");
                }
                entries.add(e);
            }
            r.end();
            return new FilesHeader(session, directory, entries);
        }
    }

    public record Synced(long session) {
        public byte[] encode() {
            return new Bytes.Writer().i64(session).bytes();
        }

        public static Synced decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, SYNCED);
            Synced synced = new Synced(r.i64("session"));
            r.end();
            return synced;
        }
    }

    public record Ended(long session, String reason) {
        public Ended {
            Objects.requireNonNull(reason, "reason");
        }

        public byte[] encode() {
            return new Bytes.Writer().i64(session).str(reason).bytes();
        }

        public static Ended decode(byte[] body) throws MirrorException {
            Bytes.Reader r = new Bytes.Reader(body, ENDED);
            Ended ended = new Ended(r.i64("session"), r.str("reason"));
            r.end();
            return ended;
        }
    }

    // ---------------------------------------------------------------- entries

    /** {@code path | u8 type | varint size | zigzag mtime | varint mode | str link target}. */
    private static void writeEntry(Bytes.Writer w, FileEntry e) {
        w.path(e.path())
                .u8(List.of(TYPES).indexOf(e.type()))
                .varint(e.size())
                .zigzag(e.mtimeNanos())
                .varint(e.mode())
                .str(e.linkTarget());
    }

    /**
     * An entry, checked so that {@link FileEntry}'s constructor cannot refuse it: a size only for a
     * file, a target only (and always) for a link.
     */
    private static FileEntry readEntry(Bytes.Reader r, String what) throws MirrorException {
        MirrorPath path = r.entryPath(what + " path");
        int typeAt = r.offset();
        int code = r.u8(what + " type");
        if (code >= TYPES.length) {
            throw r.invalidAt(typeAt, "unknown " + what + " type " + code);
        }
        EntryType type = TYPES[code];
        int sizeAt = r.offset();
        long size = r.varint(what + " size", Long.MAX_VALUE);
        if (type != EntryType.FILE && size != 0) {
            throw r.invalidAt(sizeAt, what + " '" + path + "' is a " + type + " of size " + size);
        }
        long mtime = r.zigzag(what + " time");
        int mode = r.varint(what + " mode", 07777);
        int targetAt = r.offset();
        String target = r.str(what + " link target");
        if (type == EntryType.SYMLINK && (target.isEmpty() || target.indexOf('\0') >= 0)) {
            throw r.invalidAt(
                    targetAt, what + " '" + path + "' is a link with an empty or NUL target");
        }
        if (type != EntryType.SYMLINK && !target.isEmpty()) {
            throw r.invalidAt(targetAt, what + " '" + path + "' is a " + type + " with a target");
        }
        return new FileEntry(path, type, size, mtime, mode, target);
    }
}
