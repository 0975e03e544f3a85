package io.switchover.core.mirror;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The primitives of the mirroring messages: {@code u8}, {@code i64} (8 bytes, big-endian), {@code
 * varint} (unsigned LEB128, at most 10 bytes), {@code zigzag} (a signed number as a varint, small
 * magnitudes short), {@code str} (varint byte length, then strict UTF-8) and {@code path} (a {@code
 * str} that {@link MirrorPath#parse} accepts).
 *
 * <p>The registry's codec has the same primitives, but its reader speaks {@code RegistryException}
 * and its own checks (entry ids); sharing would mean a third package both depend on for five small
 * methods, so the mirror has its own.
 */
final class Bytes {
    private Bytes() {}

    /** Builds one message. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer flag(boolean v) {
            return u8(v ? 1 : 0);
        }

        Writer i64(long v) {
            for (int shift = Long.SIZE - 8; shift >= 0; shift -= 8) {
                out.write((int) (v >>> shift));
            }
            return this;
        }

        /** {@code v} as unsigned: a negative number takes all 10 bytes. */
        Writer varint(long v) {
            long rest = v;
            while ((rest & ~0x7fL) != 0) {
                out.write((int) (rest & 0x7f) | 0x80);
                rest >>>= 7;
            }
            out.write((int) rest);
            return this;
        }

        Writer zigzag(long v) {
            return varint((v << 1) ^ (v >> 63));
        }

        Writer str(String s) {
            return raw(s.getBytes(StandardCharsets.UTF_8));
        }

        /** A varint length, then the bytes. */
        Writer raw(byte[] bytes) {
            varint(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Writer fixed(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Writer path(MirrorPath path) {
            return str(path.toString());
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /**
     * Reads one message. Every failure is a {@link MirrorException} naming the message, the field
     * and the byte offset where it starts; lengths and counts are checked against the bytes left
     * before anything is allocated.
     */
    static final class Reader {
        private final byte[] body;
        private final String message;
        private int at;

        Reader(byte[] body, String message) throws MirrorException {
            if (body == null) {
                throw new MirrorException(MirrorException.Kind.INVALID, message + ": no body");
            }
            this.body = body;
            this.message = message;
        }

        /** INVALID, at the offset the reader is at. */
        MirrorException invalid(String problem) {
            return invalidAt(at, problem);
        }

        /** INVALID, about a field that starts at {@code offset}. */
        MirrorException invalidAt(int offset, String problem) {
            return new MirrorException(
                    MirrorException.Kind.INVALID,
                    message + ": " + problem + " (at byte " + offset + ")");
        }

        int left() {
            return body.length - at;
        }

        private void need(int n, String field) throws MirrorException {
            if (left() < n) {
                throw invalid(
                        "truncated: " + field + " needs " + n + " bytes, " + left() + " left");
            }
        }

        int u8(String field) throws MirrorException {
            need(1, field);
            return body[at++] & 0xff;
        }

        boolean flag(String field) throws MirrorException {
            int start = at;
            int v = u8(field);
            if (v > 1) {
                throw invalidAt(start, field + " is " + v + ", not 0 or 1");
            }
            return v == 1;
        }

        long i64(String field) throws MirrorException {
            need(Long.BYTES, field);
            long v = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                v = (v << 8) | (body[at++] & 0xff);
            }
            return v;
        }

        /** All 64 bits of a varint (a {@code zigzag}, or an unsigned number). */
        private long bits(String field) throws MirrorException {
            int start = at;
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = u8(field);
                if (shift == 63 && (b & 0x7e) != 0) {
                    throw invalidAt(start, field + " does not fit 64 bits");
                }
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw invalidAt(start, field + " is a varint longer than 10 bytes");
        }

        /** A varint in {@code [0, max]}. */
        long varint(String field, long max) throws MirrorException {
            int start = at;
            long v = bits(field);
            if (v < 0 || v > max) {
                throw invalidAt(start, field + " " + Long.toUnsignedString(v) + " is above " + max);
            }
            return v;
        }

        int varint(String field, int max) throws MirrorException {
            return (int) varint(field, (long) max);
        }

        long zigzag(String field) throws MirrorException {
            long v = bits(field);
            return (v >>> 1) ^ -(v & 1);
        }

        /** A count of items of at least {@code minBytesEach} bytes: never more than fit. */
        int count(String field, int minBytesEach) throws MirrorException {
            int start = at;
            long n = varint(field, Integer.MAX_VALUE);
            if (n > left() / minBytesEach) {
                throw invalidAt(
                        start, field + " " + n + " cannot fit in the " + left() + " bytes left");
            }
            return (int) n;
        }

        /** A varint length, then that many bytes. */
        byte[] raw(String field) throws MirrorException {
            int start = at;
            int n = varint(field + " length", Integer.MAX_VALUE);
            if (n > left()) {
                throw invalidAt(
                        start, "truncated: " + field + " of " + n + " bytes, " + left() + " left");
            }
            return fixed(n, field);
        }

        byte[] fixed(int n, String field) throws MirrorException {
            need(n, field);
            byte[] b = new byte[n];
            System.arraycopy(body, at, b, 0, n);
            at += n;
            return b;
        }

        String str(String field) throws MirrorException {
            int start = at;
            byte[] b = raw(field);
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b))
                        .toString();
            } catch (CharacterCodingException e) {
                throw invalidAt(start, field + " is not valid UTF-8");
            }
        }

        /** A non-empty {@code str}. */
        String name(String field) throws MirrorException {
            int start = at;
            String s = str(field);
            if (s.isEmpty()) {
                throw invalidAt(start, field + " is empty");
            }
            return s;
        }

        /**
         * A path, parsed: a rule it breaks keeps its kind (UNSAFE for one that would escape) and
         * gains the message, field and offset.
         */
        MirrorPath path(String field) throws MirrorException {
            int start = at;
            String s = str(field);
            try {
                return MirrorPath.parse(s);
            } catch (MirrorException e) {
                throw new MirrorException(
                        e.kind(),
                        message
                                + ": "
                                + field
                                + ": "
                                + e.getMessage()
                                + " (at byte "
                                + start
                                + ")");
            }
        }

        /** A path other than the root. */
        MirrorPath entryPath(String field) throws MirrorException {
            int start = at;
            MirrorPath p = path(field);
            if (p.isRoot()) {
                throw invalidAt(start, field + " is the root, which is never listed or changed");
            }
            return p;
        }

        /** Offset of the next byte, for errors about what was just read. */
        int offset() {
            return at;
        }

        void end() throws MirrorException {
            if (left() != 0) {
                throw invalid(left() + " unexpected bytes after the end");
            }
        }
    }
}
