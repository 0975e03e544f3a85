package io.switchover.notifier.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.handshake.SharedSecretProof;
import io.switchover.notifier.message.Message;
import io.switchover.notifier.message.MessageCodec;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.List;

/**
 * A hand-driven peer on a plain blocking socket, for feeding a real notifier server exactly the
 * bytes a test wants (garbage, half frames, protocol violations), before or after an honest
 * handshake.
 */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;

    RawPeer(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(Message m) throws IOException {
        ByteBuf b = MessageCodec.encodeHeaderAndPayload(ByteBufAllocator.DEFAULT, m);
        try {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            out.write(bytes);
            if (m instanceof Message.StreamChunk chunk) {
                byte[] data = new byte[chunk.content().readableBytes()];
                chunk.content().readBytes(data);
                out.write(data);
                chunk.release();
            }
            out.flush();
        } finally {
            b.release();
        }
    }

    /** Reads the next message, or {@code null} at end of stream. */
    Message read() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        int version = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedShort();
        long id = in.readLong();
        byte[] payload = new byte[length - Frame.HEADER_BYTES];
        in.readFully(payload);
        return MessageCodec.decode(
                new Frame(version, type, flags, id, Unpooled.wrappedBuffer(payload)));
    }

    /** Reads until the server closes; returns its goodbye, if it sent one. */
    Message.Goodbye readUntilClosed() throws IOException {
        Message.Goodbye goodbye = null;
        try {
            for (Message m; (m = read()) != null; ) {
                if (m instanceof Message.Goodbye g) {
                    goodbye = g;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within 10 s", e);
        } catch (IOException e) {
            // Reset by the server after its goodbye: closed.
        }
        return goodbye;
    }

    /** Performs an honest shared-secret handshake as node-c on a main connection. */
    RawPeer handshake() throws IOException {
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        send(
                new Message.Hello(
                        "test-cluster",
                        "node-c",
                        "1.0.0",
                        1,
                        "BACKUP",
                        7L,
                        "main",
                        List.of(),
                        nonce,
                        "hmac-sha256",
                        null));
        Message.Hello server = (Message.Hello) read();
        send(
                new Message.Auth(
                        SharedSecretProof.client(
                                TestPair.SECRET,
                                "test-cluster",
                                "node-c",
                                server.node(),
                                "main",
                                nonce,
                                server.nonce())));
        Message.Auth accepted = (Message.Auth) read();
        byte[] expected =
                SharedSecretProof.server(
                        TestPair.SECRET,
                        "test-cluster",
                        "node-c",
                        server.node(),
                        "main",
                        nonce,
                        server.nonce());
        if (!SharedSecretProof.matches(expected, accepted.proof())) {
            throw new AssertionError("server proof does not verify");
        }
        return this;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
