package io.switchover.daemon.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 by hand over a plain socket, for what the JDK's client cannot do: open a stream and then
 * not read it, or send a body whose end depends on what the server did with its beginning (the JDK
 * client's streamed bodies hold back what was read while it waits for more).
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    /**
     * Connects to {@code base} with a receive buffer of {@code receiveBuffer} bytes (a small one
     * makes a server's writes block soon when the test does not read) and sends a GET of {@code
     * target} (sent as is, not encoded) with the token.
     */
    public static RawHttp get(URI base, String target, String token, int receiveBuffer)
            throws IOException {
        RawHttp raw = connect(base, receiveBuffer);
        raw.send(
                "GET "
                        + target
                        + " HTTP/1.1\r\nHost: "
                        + base.getHost()
                        + "\r\nAuthorization: Bearer "
                        + token
                        + "\r\nConnection: close\r\n\r\n");
        return raw;
    }

    /**
     * Connects to {@code base} and sends the head of a POST of {@code target} with a chunked body,
     * which the test then writes with {@link #chunk} and ends with {@link #endChunks}.
     */
    public static RawHttp postChunked(URI base, String target, String token) throws IOException {
        RawHttp raw = connect(base, 64 * 1024);
        raw.send(
                "POST "
                        + target
                        + " HTTP/1.1\r\nHost: "
                        + base.getHost()
                        + "\r\nAuthorization: Bearer "
                        + token
                        + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        return raw;
    }

    private static RawHttp connect(URI base, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.setSoTimeout(15_000);
        s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 2_000);
        return new RawHttp(s);
    }

    /** Sends {@code text} as one chunk of the body. */
    public void chunk(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        send(Integer.toHexString(bytes.length) + "\r\n");
        socket.getOutputStream().write(bytes);
        send("\r\n");
    }

    /** Ends the chunked body. */
    public void endChunks() throws IOException {
        send("0\r\n\r\n");
    }

    private void send(String ascii) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(ascii.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The response as received, headers and (chunked) body, until the server closes. */
    public String readAll() throws IOException {
        return new String(in().readAllBytes(), StandardCharsets.UTF_8);
    }

    public InputStream in() throws IOException {
        return socket.getInputStream();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
