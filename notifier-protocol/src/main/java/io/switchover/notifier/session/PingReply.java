package io.switchover.notifier.session;

import java.nio.charset.StandardCharsets;

/**
 * A notifier's answer to a ping: its current state and generation.
 *
 * <p>Wire layout of the reply body: generation as i64 big-endian, then the state as UTF-8 filling
 * the rest of the body.
 */
public record PingReply(String state, long generation) {
    static byte[] encode(NodeStatus status) {
        byte[] state = status.state().getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[Long.BYTES + state.length];
        long g = status.generation();
        for (int i = 0; i < Long.BYTES; i++) {
            body[i] = (byte) (g >>> (56 - 8 * i));
        }
        System.arraycopy(state, 0, body, Long.BYTES, state.length);
        return body;
    }

    static PingReply decode(byte[] body) {
        if (body.length < Long.BYTES + 1) {
            throw new IllegalArgumentException(
                    "ping reply body of " + body.length + " bytes, needs at least 9");
        }
        long g = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            g = (g << 8) | (body[i] & 0xff);
        }
        return new PingReply(
                new String(body, Long.BYTES, body.length - Long.BYTES, StandardCharsets.UTF_8), g);
    }
}
