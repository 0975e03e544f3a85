package io.switchover.notifier.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.frame.FrameDecoder;
import io.switchover.notifier.frame.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded randomized decoder test: 10 seeds x 10,000 inputs. Each input is fed, in random pieces, to
 * a fresh frame + message decoder pipeline. The only acceptable failure is a {@link
 * ProtocolException} (a clean, named close reason); nothing may throw anything else, and every
 * buffer must be released afterwards. A failing seed replays exactly.
 */
class DecoderFuzzTest {
    static final int INPUTS_PER_SEED = 10_000;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 10);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void decode_randomAndMutatedInput_onlyCleanProtocolErrorsAndNoLeaks(long seed) {
        Random random = new Random(seed);
        List<byte[]> valid = validFrames();
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < INPUTS_PER_SEED; i++) {
            byte[] input = generate(random, valid);
            int max = random.nextBoolean() ? Frame.PRE_AUTH_MAX_FRAME_LENGTH : 256;
            EmbeddedChannel ch =
                    new EmbeddedChannel(new FrameDecoder(max), MessageDecoder.INSTANCE);
            List<ByteBuf> pieces = new ArrayList<>();
            try {
                int pos = 0;
                while (pos < input.length) {
                    int n = 1 + random.nextInt(Math.min(64, input.length - pos));
                    ByteBuf piece = Unpooled.copiedBuffer(input, pos, n);
                    pieces.add(piece);
                    pos += n;
                    ch.writeInbound(piece);
                }
                for (Object m; (m = ch.readInbound()) != null; ) {
                    decoded++;
                    ReferenceCountUtil.release(m);
                }
            } catch (DecoderException e) {
                assertThat(e.getCause())
                        .as("seed %d input %d: %s", seed, i, e)
                        .isInstanceOf(ProtocolException.class);
                rejected++;
            } finally {
                for (Object m; (m = ch.readInbound()) != null; ) {
                    ReferenceCountUtil.release(m);
                }
                ch.finishAndReleaseAll();
            }
            for (ByteBuf piece : pieces) {
                assertThat(piece.refCnt()).as("seed %d input %d leaked a buffer", seed, i).isZero();
            }
        }
        // Both paths were exercised, or the generator is broken.
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    private static byte[] generate(Random r, List<byte[]> valid) {
        return switch (r.nextInt(4)) {
            case 0 -> randomBytes(r, r.nextInt(300));
            case 1 -> mutate(r, valid.get(r.nextInt(valid.size())));
            case 2 ->
                    concat(
                            valid.get(r.nextInt(valid.size())),
                            mutate(r, valid.get(r.nextInt(valid.size()))));
            default -> headerWithRandomPayload(r);
        };
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random r, byte[] frame) {
        byte[] b = frame.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 2 -> b[4 + 1] = (byte) r.nextInt(256); // type byte
            default -> {
                // a plausible length with a payload that does not match its type
                int payload = b.length - 16;
                byte[] junk = randomBytes(r, payload);
                System.arraycopy(junk, 0, b, 16, payload);
            }
        }
        return b;
    }

    private static byte[] headerWithRandomPayload(Random r) {
        int payload = r.nextInt(200);
        ByteBuf b = Unpooled.buffer();
        b.writeInt(12 + payload).writeByte(1);
        MessageType[] types = MessageType.values();
        b.writeByte(types[r.nextInt(types.length)].code()).writeShort(0).writeLong(r.nextLong());
        b.writeBytes(randomBytes(r, payload));
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** One encoded frame of every message type, the seeds of the mutations. */
    private static List<byte[]> validFrames() {
        List<byte[]> frames = new ArrayList<>();
        MessageCodecTest.everyMessageType()
                .forEach(
                        m -> {
                            ByteBuf b =
                                    MessageCodec.encodeHeaderAndPayload(
                                            io.netty.buffer.ByteBufAllocator.DEFAULT, m);
                            byte[] out = new byte[b.readableBytes()];
                            b.readBytes(out);
                            b.release();
                            frames.add(out);
                        });
        return frames;
    }
}
