package io.switchover.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchover.core.mirror.MirrorCodec.ApplyReply;
import io.switchover.core.mirror.MirrorCodec.ApplyRequest;
import io.switchover.core.mirror.MirrorCodec.Ended;
import io.switchover.core.mirror.MirrorCodec.Failure;
import io.switchover.core.mirror.MirrorCodec.FileHeader;
import io.switchover.core.mirror.MirrorCodec.HashReply;
import io.switchover.core.mirror.MirrorCodec.HashRequest;
import io.switchover.core.mirror.MirrorCodec.ListReply;
import io.switchover.core.mirror.MirrorCodec.ListRequest;
import io.switchover.core.mirror.MirrorCodec.Subscribe;
import io.switchover.core.mirror.MirrorCodec.SubscribeReply;
import io.switchover.core.mirror.MirrorCodec.Synced;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MirrorCodecTest {

    /** Decodes one kind of body. */
    @FunctionalInterface
    interface Decoder {
        Object decode(byte[] body) throws MirrorException;
    }

    private static final Map<String, Decoder> DECODERS = decoders();

    private static Map<String, Decoder> decoders() {
        Map<String, Decoder> d = new TreeMap<>();
        d.put("subscribe", Subscribe::decode);
        d.put("subscribe reply", SubscribeReply::decode);
        d.put("list", ListRequest::decode);
        d.put("list reply", ListReply::decode);
        d.put("hash", HashRequest::decode);
        d.put("hash reply", HashReply::decode);
        d.put("apply", ApplyRequest::decode);
        d.put("apply reply", ApplyReply::decode);
        d.put("file header", FileHeader::decode);
        d.put("files header", MirrorCodec.FilesHeader::decode);
        d.put("synced", Synced::decode);
        d.put("ended", Ended::decode);
        return d;
    }

    private static MirrorPath path(String p) {
        try {
            return MirrorPath.parse(p);
        } catch (MirrorException e) {
            throw new AssertionError(e);
        }
    }

    private static final FileEntry FILE =
            FileEntry.file(
                    path("conf/app \u00e9\ud83d\ude00.yml"), 1L << 40, -1_234_567_890_123L, 0640);
    private static final FileEntry DIRECTORY =
            FileEntry.directory(path("conf"), Long.MAX_VALUE, 07755);
    private static final FileEntry LINK =
            FileEntry.symlink(path("conf/current"), "../releases/7", 0);

    private static byte[] hash(int seed) {
        byte[] h = new byte[MirrorCodec.HASH_BYTES];
        Arrays.fill(h, (byte) seed);
        h[0] = (byte) 0x80;
        return h;
    }

    /** One valid message of each kind, rich enough to exercise every field. */
    private static Map<String, Object> samples() {
        Map<String, Object> s = new TreeMap<>();
        s.put("subscribe", new Subscribe("backup-1", 7, List.of("/srv/data", "/etc/app")));
        s.put("subscribe reply", new SubscribeReply("primary", -1, Long.MIN_VALUE));
        s.put(
                "list",
                new ListRequest(
                        42,
                        "/srv/data",
                        path("conf"),
                        true,
                        List.of("*.tmp", "cache/**"),
                        path("conf/a"),
                        1_000));
        s.put("list reply", new ListReply(List.of(DIRECTORY, FILE, LINK), true));
        s.put("hash", new HashRequest(42, "/srv/data", List.of(FILE.path(), path("x"))));
        s.put("hash reply", new HashReply(List.of(hash(1), new byte[0], hash(2))));
        s.put(
                "apply",
                new ApplyRequest(
                        42,
                        "/srv/data",
                        List.of(
                                new MirrorOp.Delete(path("old")),
                                new MirrorOp.MakeDirectory(DIRECTORY),
                                new MirrorOp.Link(LINK),
                                new MirrorOp.SetAttributes(FILE),
                                new MirrorOp.SetAttributes(DIRECTORY))));
        s.put(
                "apply reply",
                new ApplyReply(
                        List.of(
                                new Failure(0, MirrorException.Kind.UNSAFE, "link leads out"),
                                new Failure(3, MirrorException.Kind.NO_SPACE, "disk full"),
                                new Failure(300, MirrorException.Kind.IO, ""))));
        s.put("file header", new FileHeader(42, "/srv/data", FILE));
        s.put(
                "files header",
                new MirrorCodec.FilesHeader(
                        42,
                        "/srv/data",
                        List.of(
                                FileEntry.file(path("a/1"), 3, -7, 0600),
                                FileEntry.file(path("a/2"), 0, 1_700_000_000_123_456_789L, 0644),
                                FileEntry.file(path("b"), 65_536, 0, 04755))));
        s.put("synced", new Synced(42));
        s.put("ended", new Ended(42, "no longer primary \u00e9"));
        return s;
    }

    private static byte[] encode(Object message) {
        if (message instanceof Subscribe m) {
            return m.encode();
        } else if (message instanceof SubscribeReply m) {
            return m.encode();
        } else if (message instanceof ListRequest m) {
            return m.encode();
        } else if (message instanceof ListReply m) {
            return m.encode();
        } else if (message instanceof HashRequest m) {
            return m.encode();
        } else if (message instanceof HashReply m) {
            return m.encode();
        } else if (message instanceof ApplyRequest m) {
            return m.encode();
        } else if (message instanceof ApplyReply m) {
            return m.encode();
        } else if (message instanceof FileHeader m) {
            return m.encode();
        } else if (message instanceof MirrorCodec.FilesHeader m) {
            return m.encode();
        } else if (message instanceof Synced m) {
            return m.encode();
        } else {
            return ((Ended) message).encode();
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(
            Decoder d, byte[] body, MirrorException.Kind kind) {
        return assertThatThrownBy(() -> d.decode(body))
                .isInstanceOf(MirrorException.class)
                .satisfies(e -> assertThat(((MirrorException) e).kind()).isEqualTo(kind));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(
            Decoder d, byte[] body) {
        return assertFails(d, body, MirrorException.Kind.INVALID);
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTrip_everyMessage_equal() throws Exception {
        for (Map.Entry<String, Object> sample : samples().entrySet()) {
            Object decoded = DECODERS.get(sample.getKey()).decode(encode(sample.getValue()));
            if (decoded instanceof HashReply reply) {
                List<byte[]> expected = ((HashReply) sample.getValue()).hashes();
                assertThat(reply.hashes()).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(reply.hashes().get(i)).isEqualTo(expected.get(i));
                }
            } else {
                assertThat(decoded).as(sample.getKey()).isEqualTo(sample.getValue());
            }
        }
    }

    @Test
    void roundTrip_emptyAndExtremeValues_equal() throws Exception {
        var subscribe = new Subscribe("n", Long.MAX_VALUE, List.of());
        assertThat(Subscribe.decode(subscribe.encode())).isEqualTo(subscribe);
        var list =
                new ListRequest(
                        0,
                        "/d",
                        MirrorPath.ROOT,
                        false,
                        List.of(),
                        MirrorPath.ROOT,
                        Integer.MAX_VALUE);
        assertThat(ListRequest.decode(list.encode())).isEqualTo(list);
        var reply = new ListReply(List.of(), false);
        assertThat(ListReply.decode(reply.encode())).isEqualTo(reply);
        for (long mtime : new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}) {
            var header =
                    new FileHeader(-5, "/d", FileEntry.file(path("f"), Long.MAX_VALUE, mtime, 0));
            assertThat(FileHeader.decode(header.encode())).isEqualTo(header);
        }
        var applied = new ApplyReply(List.of());
        assertThat(ApplyReply.decode(applied.encode())).isEqualTo(applied);
        var ended = new Ended(1, "");
        assertThat(Ended.decode(ended.encode())).isEqualTo(ended);
    }

    @Test
    void encode_smallNumbers_compact() {
        // session 8 | directory 3 | path 1 | flag 1 | count 1 | after 1 | limit 1
        assertThat(
                        new ListRequest(
                                        1,
                                        "/d",
                                        MirrorPath.ROOT,
                                        true,
                                        List.of(),
                                        MirrorPath.ROOT,
                                        5)
                                .encode())
                .hasSize(16);
        // path 2 | type 1 | size 1 | mtime 1 | mode 2 | target 1
        assertThat(new ListReply(List.of(FileEntry.file(path("f"), 3, -1, 0644)), false).encode())
                .containsExactly(1, 1, 'f', 0, 3, 1, 0xa4, 0x03, 0, 0);
    }

    // ---------------------------------------------------------------- what encoders refuse

    @Test
    void applyRequest_transfer_refused() {
        assertThatThrownBy(() -> new ApplyRequest(1, "/d", List.of(new MirrorOp.Transfer(FILE))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream");
    }

    @Test
    void fileHeader_notAFile_refused() {
        assertThatThrownBy(() -> new FileHeader(1, "/d", DIRECTORY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashReply_wrongLength_refused() {
        assertThatThrownBy(() -> new HashReply(List.of(new byte[5])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 bytes");
    }

    @Test
    void listRequest_zeroLimit_refused() {
        assertThatThrownBy(
                        () ->
                                new ListRequest(
                                        1,
                                        "/d",
                                        MirrorPath.ROOT,
                                        true,
                                        List.of(),
                                        MirrorPath.ROOT,
                                        0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void decode_everyTruncation_invalid() {
        samples()
                .forEach(
                        (name, message) -> {
                            byte[] body = encode(message);
                            for (int n = 0; n < body.length; n++) {
                                assertInvalid(DECODERS.get(name), Arrays.copyOf(body, n))
                                        .as("%s cut to %d bytes", name, n)
                                        .hasMessageContaining("(at byte");
                            }
                        });
    }

    @Test
    void decode_trailingByte_invalid() {
        samples()
                .forEach(
                        (name, message) -> {
                            byte[] body = encode(message);
                            assertInvalid(DECODERS.get(name), Arrays.copyOf(body, body.length + 1))
                                    .as(name)
                                    .hasMessageContaining("1 unexpected bytes after the end");
                        });
    }

    @Test
    void decode_null_invalid() {
        DECODERS.forEach((name, d) -> assertInvalid(d, null).hasMessageContaining("no body"));
    }

    @Test
    void decode_countBeyondBody_invalidNamingCount() {
        byte[] body = new Bytes.Writer().i64(1).str("/d").varint(1_000_000).bytes();

        assertInvalid(ApplyRequest::decode, body)
                .hasMessageContaining("mirror.apply: step count 1000000 cannot fit");
        assertInvalid(HashRequest::decode, body).hasMessageContaining("path count");
        assertInvalid(ListReply::decode, new Bytes.Writer().varint(Integer.MAX_VALUE + 1L).bytes())
                .hasMessageContaining("entry count");
    }

    @Test
    void decode_overlongVarint_invalid() {
        byte[] body = new byte[11];
        Arrays.fill(body, (byte) 0x80);

        assertInvalid(ListReply::decode, body).hasMessageContaining("entry count");
        byte[] tooBig = {
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            0x02
        };
        assertInvalid(ListReply::decode, tooBig).hasMessageContaining("does not fit 64 bits");
    }

    @Test
    void decode_unknownStepTag_invalid() {
        byte[] body = new Bytes.Writer().i64(1).str("/d").varint(1).u8(9).path(path("x")).bytes();

        assertInvalid(ApplyRequest::decode, body).hasMessageContaining("unknown step tag 9");
    }

    @Test
    void decode_stepForWrongType_invalid() {
        Bytes.Writer w = new Bytes.Writer().i64(1).str("/d").varint(1).u8(1);
        byte[] body = entry(w, "x", 0, 0, "").bytes();

        assertInvalid(ApplyRequest::decode, body).hasMessageContaining("does not apply to a FILE");
    }

    @Test
    void decode_linkAttributes_invalid() {
        Bytes.Writer w = new Bytes.Writer().i64(1).str("/d").varint(1).u8(3);
        byte[] body = entry(w, "x", 2, 0, "t").bytes();

        assertInvalid(ApplyRequest::decode, body)
                .hasMessageContaining("does not apply to a SYMLINK");
    }

    /** An entry with the given path, type code, size and target; time 0, mode 0644. */
    private static Bytes.Writer entry(
            Bytes.Writer w, String path, int type, long size, String target) {
        return w.str(path).u8(type).varint(size).zigzag(0).varint(0644).str(target);
    }

    private static byte[] listReply(String path, int type, long size, String target) {
        return entry(new Bytes.Writer().varint(1), path, type, size, target).flag(false).bytes();
    }

    @Test
    void decode_badEntries_invalidNamingProblem() {
        assertInvalid(ListReply::decode, listReply("x", 3, 0, ""))
                .hasMessageContaining("unknown entry type 3");
        assertInvalid(ListReply::decode, listReply("x", 1, 5, ""))
                .hasMessageContaining("DIRECTORY of size 5");
        assertInvalid(ListReply::decode, listReply("x", 2, 0, ""))
                .hasMessageContaining("empty or NUL target");
        assertInvalid(ListReply::decode, listReply("x", 2, 0, "a\u0000b"))
                .hasMessageContaining("empty or NUL target");
        assertInvalid(ListReply::decode, listReply("x", 0, 1, "t"))
                .hasMessageContaining("FILE with a target");
        assertInvalid(ListReply::decode, listReply("", 0, 1, "")).hasMessageContaining("the root");
        assertInvalid(ListReply::decode, listReply("a//b", 0, 1, ""))
                .hasMessageContaining("empty segment");
        byte[] badMode =
                new Bytes.Writer()
                        .varint(1)
                        .str("x")
                        .u8(0)
                        .varint(1)
                        .zigzag(0)
                        .varint(010000)
                        .str("")
                        .flag(false)
                        .bytes();
        assertInvalid(ListReply::decode, badMode)
                .hasMessageContaining("entry mode 4096 is above 4095");
    }

    @Test
    void decode_escapingPaths_unsafe() {
        assertFails(
                        ListReply::decode,
                        listReply("../etc/passwd", 0, 1, ""),
                        MirrorException.Kind.UNSAFE)
                .hasMessageContaining("mirror.list reply: entry path")
                .hasMessageContaining("'..'");
        assertFails(
                        ListReply::decode,
                        listReply("/etc/passwd", 0, 1, ""),
                        MirrorException.Kind.UNSAFE)
                .hasMessageContaining("absolute");
        byte[] delete =
                new Bytes.Writer().i64(1).str("/d").varint(1).u8(0).str("a/../../b").bytes();
        assertFails(ApplyRequest::decode, delete, MirrorException.Kind.UNSAFE);
        byte[] hash = new Bytes.Writer().i64(1).str("/d").varint(1).str("..").bytes();
        assertFails(HashRequest::decode, hash, MirrorException.Kind.UNSAFE);
    }

    @Test
    void decode_unsortedListing_invalid() {
        Bytes.Writer w = new Bytes.Writer().varint(2);
        entry(w, "b", 0, 0, "");
        entry(w, "a", 0, 0, "");

        assertInvalid(ListReply::decode, w.flag(false).bytes())
                .hasMessageContaining("'a' is not after 'b'");
    }

    @Test
    void decode_moreWithoutEntries_invalid() {
        assertInvalid(ListReply::decode, new byte[] {0, 1})
                .hasMessageContaining("more follows after no entry");
        assertInvalid(ListReply::decode, new byte[] {0, 2}).hasMessageContaining("more flag is 2");
    }

    @Test
    void decode_badUtf8_invalid() {
        byte[] body = {1, (byte) 0xc3, 0, 0, 0, 0, 0, 0, 0, 0, 0};

        assertInvalid(Subscribe::decode, body).hasMessageContaining("node is not valid UTF-8");
    }

    @Test
    void decode_emptyNames_invalid() {
        assertInvalid(Subscribe::decode, new Bytes.Writer().str("").i64(1).varint(0).bytes())
                .hasMessageContaining("node is empty");
        assertInvalid(Synced::decode, new byte[3])
                .hasMessageContaining("session needs 8 bytes, 3 left");
    }

    @Test
    void decode_badExclude_invalid() {
        byte[] body =
                new Bytes.Writer()
                        .i64(1)
                        .str("/d")
                        .str("")
                        .flag(true)
                        .varint(1)
                        .str("[x")
                        .str("")
                        .varint(5)
                        .bytes();

        assertInvalid(ListRequest::decode, body)
                .hasMessageContaining("'[x'")
                .hasMessageContaining("unclosed '['");
    }

    @Test
    void decode_zeroLimit_invalid() {
        byte[] body =
                new Bytes.Writer()
                        .i64(1)
                        .str("/d")
                        .str("")
                        .flag(true)
                        .varint(0)
                        .str("")
                        .varint(0)
                        .bytes();

        assertInvalid(ListRequest::decode, body).hasMessageContaining("limit 0");
    }

    @Test
    void decode_badFailures_invalid() {
        assertInvalid(
                        ApplyReply::decode,
                        new Bytes.Writer().varint(1).varint(0).u8(5).str("").bytes())
                .hasMessageContaining("unknown failure kind 5");
        assertInvalid(
                        ApplyReply::decode,
                        new Bytes.Writer()
                                .varint(2)
                                .varint(4)
                                .u8(0)
                                .str("")
                                .varint(4)
                                .u8(0)
                                .str("")
                                .bytes())
                .hasMessageContaining("step index 4 is not after 4");
    }

    @Test
    void decode_badHashFlag_invalid() {
        assertInvalid(HashReply::decode, new byte[] {1, 2}).hasMessageContaining("hash flag is 2");
    }

    @Test
    void decode_fileHeaderForDirectory_invalid() {
        Bytes.Writer w = new Bytes.Writer().i64(1).str("/d");
        assertInvalid(FileHeader::decode, entry(w, "x", 1, 0, "").bytes())
                .hasMessageContaining("streams a DIRECTORY");
    }

    // ---------------------------------------------------------------- random damage

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void decode_randomDamage_succeedsOrThrowsMirrorException(long seed) {
        Random random = new Random(seed);
        Map<String, Object> samples = samples();
        for (Map.Entry<String, Object> sample : samples.entrySet()) {
            Decoder decoder = DECODERS.get(sample.getKey());
            for (int round = 0; round < 5; round++) {
                byte[] body = damage(encode(sample.getValue()), random);
                try {
                    decoder.decode(body);
                } catch (MirrorException e) {
                    assertThat(e.getMessage()).isNotBlank();
                } catch (RuntimeException e) {
                    throw new AssertionError(sample.getKey() + " " + Arrays.toString(body), e);
                }
            }
        }
    }

    private static byte[] damage(byte[] body, Random random) {
        byte[] b = body.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            if (b.length == 0) {
                b = new byte[] {(byte) random.nextInt(256)};
                continue;
            }
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> b[at] = (byte) (random.nextBoolean() ? 0xff : 0x80);
                case 4 -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
                default -> b[at] = (byte) random.nextInt(4);
            }
        }
        return b;
    }

    @Test
    void filesHeader_notAFileOrPathsNotIncreasing_refused() {
        assertThatThrownBy(() -> new MirrorCodec.FilesHeader(1, "/d", List.of(FILE, DIRECTORY)))
                .isInstanceOf(IllegalArgumentException.class);
        FileEntry b = FileEntry.file(path("b"), 1, 0, 0644);
        FileEntry a = FileEntry.file(path("a"), 1, 0, 0644);
        assertThatThrownBy(() -> new MirrorCodec.FilesHeader(1, "/d", List.of(b, a)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not increase");
        byte[] ok = new MirrorCodec.FilesHeader(1, "/d", List.of(a, b)).encode();
        // Swap the two one-letter paths on the wire: the decoder refuses the order.
        byte[] swapped = ok.clone();
        for (int i = 0; i < swapped.length; i++) {
            if (swapped[i] == 'a') {
                swapped[i] = 'c';
                break;
            }
        }
        assertInvalid(MirrorCodec.FilesHeader::decode, swapped)
                .hasMessageContaining("do not increase");
        assertThat(new MirrorCodec.FilesHeader(1, "/d", List.of(a, b)).totalBytes()).isEqualTo(2);
    }
}
