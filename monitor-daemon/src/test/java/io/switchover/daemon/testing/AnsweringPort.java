package io.switchover.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A real loopback port that accepts every connection (and closes it at once) until the test closes
 * it; from then on a connection attempt is refused. Stands for a service a daemon checks by TCP
 * connect: the monitored module, or a host that answers a TCP probe. Closing it is how a test makes
 * "the module" fail.
 *
 * <p>Connections are accepted on a thread of its own, so the accept queue never fills up however
 * often the daemon checks.
 */
public final class AnsweringPort implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread acceptor;

    public AnsweringPort() {
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::acceptUntilClosed, "answering-port-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The port as a {@code host:port} of the configuration. */
    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    public boolean isOpen() {
        return !listener.isClosed();
    }

    private void acceptUntilClosed() {
        while (!listener.isClosed()) {
            try (Socket accepted = listener.accept()) {
                // The connection was accepted: that is the whole answer.
            } catch (IOException e) {
                // Closed by the test (or a client gone before the accept): nothing to answer.
            }
        }
    }

    /** Stops answering: connection attempts are refused from now on. */
    @Override
    public void close() {
        try {
            listener.close();
            acceptor.join(5_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
