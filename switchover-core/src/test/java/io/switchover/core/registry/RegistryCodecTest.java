package io.switchover.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryCodecTest {

    /** Decodes one kind of body. */
    @FunctionalInterface
    interface Decoder {
        Object decode(byte[] body) throws RegistryException;
    }

    private static final String ID = "\u0001Site\u0001Lines\u0000Name";
    private static final String MARKER = "\u0001Site\u0000";

    private static final Map<String, Decoder> DECODERS = decoders();

    private static Map<String, Decoder> decoders() {
        Map<String, Decoder> d = new TreeMap<>();
        d.put("digests request", RegistryCodec::decodeDigestsRequest);
        d.put("digests reply", RegistryCodec::decodeDigestsReply);
        d.put("leaves request", RegistryCodec::decodeLeavesRequest);
        d.put("leaves reply", RegistryCodec::decodeLeavesReply);
        d.put("fetch request", RegistryCodec::decodeFetchRequest);
        d.put("fetch reply", RegistryCodec::decodeFetchReply);
        d.put("range request", RegistryCodec::decodeRangeRequest);
        d.put("range reply", RegistryCodec::decodeRangeReply);
        d.put("changes", RegistryCodec::decodeChanges);
        return d;
    }

    /** One valid body per decoder, rich enough to exercise every field. */
    private static Map<String, byte[]> samples() throws Exception {
        Map<String, byte[]> s = new TreeMap<>();
        s.put(
                "digests request",
                RegistryCodec.encode(new RegistryCodec.DigestsRequest(2, List.of(0, 17, 255))));
        s.put("digests reply", RegistryCodec.encode(digestsReply(2)));
        s.put(
                "leaves request",
                RegistryCodec.encode(new RegistryCodec.LeavesRequest(List.of(0, 300, 65_535))));
        s.put("leaves reply", RegistryCodec.encode(leavesReply()));
        s.put(
                "fetch request",
                RegistryCodec.encode(new RegistryCodec.FetchRequest(List.of(ID, MARKER))));
        s.put("fetch reply", RegistryCodec.encode(fetchReply()));
        s.put(
                "range request",
                RegistryCodec.encode(new RegistryCodec.RangeRequest(16, 4096, 300, ID)));
        s.put("range reply", RegistryCodec.encode(rangeReply()));
        s.put("changes", RegistryCodec.encodeChanges(changes()));
        return s;
    }

    private static RegistryCodec.DigestsReply digestsReply(int nodes) {
        List<RegistryCodec.NodeSummary> children = new ArrayList<>();
        for (int i = 0; i < nodes * HashTree.FANOUT; i++) {
            children.add(new RegistryCodec.NodeSummary(i * 0x9e3779b97f4a7c15L, i * 1_000_003L));
        }
        children.set(3, new RegistryCodec.NodeSummary(-1, Long.MAX_VALUE));
        return new RegistryCodec.DigestsReply(children);
    }

    private static RegistryCodec.LeavesReply leavesReply() {
        return new RegistryCodec.LeavesReply(
                List.of(
                        List.of(
                                new RegistryCodec.LeafEntry(ID, -5),
                                new RegistryCodec.LeafEntry(MARKER, 7)),
                        List.of(),
                        List.of(
                                new RegistryCodec.LeafEntry(
                                        "\u0001\u00e9t\u00e9\u0000\ud83d\ude00", Long.MIN_VALUE))));
    }

    private static RegistryCodec.FetchReply fetchReply() {
        return new RegistryCodec.FetchReply(
                List.of(
                        Optional.of("line one\nline two\u0000"),
                        Optional.empty(),
                        Optional.of("")));
    }

    private static RegistryCodec.RangeReply rangeReply() {
        return new RegistryCodec.RangeReply(
                List.of(
                        new RegistryCodec.Entry(MARKER, ""),
                        new RegistryCodec.Entry(ID, "x".repeat(300))),
                true);
    }

    private static List<RegistryChange> changes() throws Exception {
        KeyPath key = KeyPath.parse("/Site/Lines", RegistryLimits.DEFAULT);
        TreeMap<String, String> values = new TreeMap<>();
        values.put("Name", "line\none");
        values.put("\u00e9", "\ud83d\ude00");
        return List.of(
                RegistryChange.put(1, key, values),
                RegistryChange.put(2, key, new TreeMap<>()),
                RegistryChange.deleteValue(300, key, "Name"),
                RegistryChange.deleteKey(Long.MAX_VALUE, key),
                RegistryChange.put(0, KeyPath.parse("/x", RegistryLimits.DEFAULT), values));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(
            Decoder d, byte[] body) {
        return assertThatThrownBy(() -> d.decode(body))
                .isInstanceOf(RegistryException.class)
                .satisfies(
                        e ->
                                assertThat(((RegistryException) e).kind())
                                        .isEqualTo(RegistryException.Kind.INVALID));
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTrip_everyMessage() throws Exception {
        var digests = new RegistryCodec.DigestsRequest(3, List.of(0, 4095));
        assertThat(RegistryCodec.decodeDigestsRequest(RegistryCodec.encode(digests)))
                .isEqualTo(digests);
        assertThat(RegistryCodec.decodeDigestsReply(RegistryCodec.encode(digestsReply(3))))
                .isEqualTo(digestsReply(3));
        var leaves = new RegistryCodec.LeavesRequest(List.of(65_535, 0));
        assertThat(RegistryCodec.decodeLeavesRequest(RegistryCodec.encode(leaves)))
                .isEqualTo(leaves);
        assertThat(RegistryCodec.decodeLeavesReply(RegistryCodec.encode(leavesReply())))
                .isEqualTo(leavesReply());
        var fetch = new RegistryCodec.FetchRequest(List.of(ID, MARKER));
        assertThat(RegistryCodec.decodeFetchRequest(RegistryCodec.encode(fetch))).isEqualTo(fetch);
        assertThat(RegistryCodec.decodeFetchReply(RegistryCodec.encode(fetchReply())))
                .isEqualTo(fetchReply());
        var fromStart = new RegistryCodec.RangeRequest(0, 65_536, 0, null);
        assertThat(RegistryCodec.decodeRangeRequest(RegistryCodec.encode(fromStart)))
                .isEqualTo(fromStart);
        var resume = new RegistryCodec.RangeRequest(16, 4096, 300, ID);
        assertThat(RegistryCodec.decodeRangeRequest(RegistryCodec.encode(resume)))
                .isEqualTo(resume);
        assertThat(RegistryCodec.decodeRangeReply(RegistryCodec.encode(rangeReply())))
                .isEqualTo(rangeReply());
        var last = new RegistryCodec.RangeReply(List.of(), false);
        assertThat(RegistryCodec.decodeRangeReply(RegistryCodec.encode(last))).isEqualTo(last);
        assertThat(RegistryCodec.decodeChanges(RegistryCodec.encodeChanges(changes())))
                .isEqualTo(changes());
        assertThat(RegistryCodec.decodeChanges(RegistryCodec.encodeChanges(List.of()))).isEmpty();
    }

    @Test
    void encode_layoutByteByByte() {
        assertThat(RegistryCodec.encode(new RegistryCodec.DigestsRequest(1, List.of(3, 300))))
                .containsExactly(1, 2, 3, 0xac, 0x02);
        assertThat(RegistryCodec.encode(new RegistryCodec.FetchRequest(List.of("\u0001a\u0000x"))))
                .containsExactly(1, 4, 1, 'a', 0, 'x');
        assertThat(
                        RegistryCodec.encode(
                                new RegistryCodec.FetchReply(
                                        List.of(Optional.empty(), Optional.of("\u00e9")))))
                .containsExactly(2, 0, 1, 2, 0xc3, 0xa9);
        assertThat(RegistryCodec.encode(new RegistryCodec.RangeRequest(1, 2, 1, null)))
                .containsExactly(1, 2, 0);
        byte[] reply =
                RegistryCodec.encode(
                        new RegistryCodec.LeavesReply(
                                List.of(
                                        List.of(
                                                new RegistryCodec.LeafEntry(
                                                        "\u0001a\u0000", 0x0102030405060708L)))));
        assertThat(reply).containsExactly(1, 1, 3, 1, 'a', 0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void decode_everyTruncation_invalidNeverUnchecked() throws Exception {
        for (Map.Entry<String, byte[]> sample : samples().entrySet()) {
            Decoder d = DECODERS.get(sample.getKey());
            byte[] body = sample.getValue();
            d.decode(body);
            for (int len = 0; len < body.length; len++) {
                byte[] cut = Arrays.copyOf(body, len);
                if (sample.getKey().equals("changes") && len == 0) {
                    assertInvalid(d, cut).hasMessageContaining("truncated");
                    continue;
                }
                assertInvalid(d, cut)
                        .as(sample.getKey() + " cut at " + len)
                        .hasMessageContaining(nameOf(sample.getKey()));
            }
            assertInvalid(d, Arrays.copyOf(body, body.length + 1))
                    .hasMessageContaining("1 unexpected bytes after the end");
            assertInvalid(d, null).hasMessageContaining("no body");
        }
    }

    private static String nameOf(String sample) {
        return sample.equals("changes") ? "change batch" : "registry." + sample;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void decode_randomCorruption_invalidNeverUnchecked(long seed) throws Exception {
        Random random = new Random(seed);
        for (Map.Entry<String, byte[]> sample : samples().entrySet()) {
            Decoder d = DECODERS.get(sample.getKey());
            for (int i = 0; i < 500; i++) {
                byte[] body = sample.getValue().clone();
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                }
                try {
                    d.decode(body);
                } catch (RegistryException e) {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.INVALID);
                    assertThat(e.getMessage()).isNotBlank();
                }
            }
            for (int i = 0; i < 200; i++) {
                byte[] noise = new byte[random.nextInt(40)];
                random.nextBytes(noise);
                try {
                    d.decode(noise);
                } catch (RegistryException e) {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.INVALID);
                }
            }
        }
    }

    @Test
    void decode_hugeCountsAndLengths_refusedBeforeAllocating() {
        byte[] hugeCount = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1};
        assertInvalid(RegistryCodec::decodeFetchRequest, hugeCount)
                .hasMessageContaining("id count 4294967295 cannot fit in the 6 bytes left");
        assertInvalid(RegistryCodec::decodeChanges, hugeCount).hasMessageContaining("cannot fit");
        assertInvalid(RegistryCodec::decodeDigestsReply, new byte[] {2, 0, 0})
                .hasMessageContaining("node count 2 cannot fit");
        byte[] hugeString = {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 1, 2};
        assertInvalid(RegistryCodec::decodeFetchRequest, hugeString)
                .hasMessageContaining("truncated: entry id of 268435455 bytes, 2 left");
        byte[] longVarint = {
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            0
        };
        assertInvalid(RegistryCodec::decodeLeavesRequest, longVarint)
                .hasMessageContaining("does not fit 63 bits");
        byte[] negative = {
            1,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            0x01,
            0,
            1,
            '/'
        };
        assertInvalid(RegistryCodec::decodeChanges, negative)
                .hasMessageContaining("seq does not fit 63 bits");
    }

    @Test
    void decode_badUtf8_invalid() {
        byte[] body = {1, 1, 5, 1, 'a', 0, (byte) 0xc3, 0x28};
        assertInvalid(RegistryCodec::decodeFetchReply, body)
                .hasMessageContaining("value is not valid UTF-8");
        byte[] surrogate = {1, 1, 3, (byte) 0xed, (byte) 0xa0, (byte) 0x80};
        assertInvalid(RegistryCodec::decodeFetchReply, surrogate)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void decode_badIdsAndPaths_invalidNamingThem() {
        assertInvalid(RegistryCodec::decodeFetchRequest, fetchOf("\u0001a"))
                .hasMessageContaining("has no U+0000 before its name");
        assertInvalid(RegistryCodec::decodeFetchRequest, fetchOf("\u0000x"))
                .hasMessageContaining("names the root");
        assertInvalid(RegistryCodec::decodeFetchRequest, fetchOf("\u0001a\u0001\u0000"))
                .hasMessageContaining("malformed key part");
        assertInvalid(RegistryCodec::decodeFetchRequest, fetchOf("\u0001a/b\u0000"))
                .hasMessageContaining("malformed key part");
        assertInvalid(RegistryCodec::decodeFetchRequest, fetchOf("a\u0000"))
                .hasMessageContaining("malformed key part");
        assertInvalid(RegistryCodec::decodeFetchRequest, fetchOf("\u0001..\u0000"))
                .hasMessageContaining("'..' segment");
        assertInvalid(RegistryCodec::decodeFetchRequest, fetchOf("\u0001a\u0000x\u0000y"))
                .hasMessageContaining("control character");
        assertInvalid(RegistryCodec::decodeChanges, changeOf(2, "a/b", ""))
                .hasMessageContaining("must start with '/'");
        assertInvalid(RegistryCodec::decodeChanges, changeOf(2, "/a//b", ""))
                .hasMessageContaining("empty segment");
        assertInvalid(RegistryCodec::decodeChanges, changeOf(2, "/", ""))
                .hasMessageContaining("deletes the root key");
        assertInvalid(RegistryCodec::decodeChanges, changeOf(1, "/a", "\u0000"))
                .hasMessageContaining("value name is empty (key '/a')");
        assertInvalid(RegistryCodec::decodeChanges, changeOf(7, "/a", ""))
                .hasMessageContaining("unknown change kind 7");
    }

    @Test
    void decode_outOfRangeNumbersAndFlags_invalid() {
        assertInvalid(RegistryCodec::decodeDigestsRequest, new byte[] {4, 1, 0})
                .hasMessageContaining("level 4 has no children");
        assertInvalid(RegistryCodec::decodeDigestsRequest, new byte[] {1, 1, 16})
                .hasMessageContaining("node 16 is above 15");
        assertInvalid(RegistryCodec::decodeDigestsRequest, new byte[] {1, 0})
                .hasMessageContaining("asks for no node");
        assertInvalid(
                        RegistryCodec::decodeLeavesRequest,
                        new byte[] {1, (byte) 0x80, (byte) 0x80, 4})
                .hasMessageContaining("leaf 65536 is above 65535");
        assertInvalid(RegistryCodec::decodeRangeRequest, new byte[] {5, 5, 0})
                .hasMessageContaining("leaf range [5, 5) is empty");
        assertInvalid(RegistryCodec::decodeRangeRequest, new byte[] {5, 6, 2})
                .hasMessageContaining("resume flag is 2, not 0 or 1");
        assertInvalid(RegistryCodec::decodeRangeRequest, new byte[] {5, 6, 1, 7, 3, 1, 'a', 0})
                .hasMessageContaining("resume leaf 7 is outside [5, 6)");
        assertInvalid(RegistryCodec::decodeRangeReply, new byte[] {0, 1})
                .hasMessageContaining("says more follows after no entry");
        assertInvalid(RegistryCodec::decodeFetchReply, new byte[] {1, 3})
                .hasMessageContaining("present flag is 3");
    }

    @Test
    void decode_putValueNamesOutOfOrder_invalid() {
        byte[] body = {1, 1, 0, 2, '/', 'a', 2, 1, 'b', 0, 1, 'a', 0};
        assertInvalid(RegistryCodec::decodeChanges, body)
                .hasMessageContaining("value names of key '/a' are not strictly increasing at 'a'");
    }

    private static byte[] fetchOf(String id) {
        byte[] b = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = new byte[2 + b.length];
        body[0] = 1;
        body[1] = (byte) b.length;
        System.arraycopy(b, 0, body, 2, b.length);
        return body;
    }

    /** One change: seq 1, the kind, the path, then for kind 1 a name string (raw bytes). */
    private static byte[] changeOf(int kind, String path, String nameOrNothing) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(1);
        out.write(1);
        out.write(kind);
        byte[] p = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(p.length);
        out.write(p, 0, p.length);
        if (kind == 1) {
            // an empty name: length 0
            out.write(0);
        }
        return out.toByteArray();
    }
}
