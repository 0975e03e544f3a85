package io.switchover.daemon.module;

import io.switchover.core.time.Durations;
import io.switchover.daemon.probe.TcpConnect;
import io.switchover.notifier.session.RejectedException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The module is fine when a TCP connection to {@code host:port} is accepted. Unlike a reachability
 * probe, a refused connection means the module is down: nothing listens on its port. The host is
 * resolved at every check; the connection is closed at once and no byte is sent.
 */
public final class TcpConnectCheck implements ModuleCheck {
    private final String host;
    private final int port;
    private final Executor blocking;

    /**
     * @param blocking runs the blocking resolve and connect, so that {@link #check} never blocks
     *     its caller
     */
    public TcpConnectCheck(String host, int port, Executor blocking) {
        this.host = Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("TCP module check: host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                    "TCP module check: port " + port + " is outside [1, 65535]");
        }
        this.port = port;
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    @Override
    public String describe() {
        return "tcp " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public CompletionStage<String> check(Duration timeout) {
        CompletableFuture<String> work = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Rejections.runBlocking(
                blocking,
                () -> {
                    try {
                        work.complete(connect(deadline, timeout));
                    } catch (RuntimeException e) {
                        work.completeExceptionally(e);
                    }
                },
                work,
                describe());
        return Rejections.bounded(work, timeout, describe());
    }

    private String connect(long deadlineNanos, Duration timeout) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new RejectedException(describe() + ": cannot resolve " + host);
        }
        TcpConnect.Attempt attempt =
                TcpConnect.attempt(
                        new InetSocketAddress(address, port),
                        Duration.ofNanos(deadlineNanos - System.nanoTime()));
        return switch (attempt.result()) {
            case CONNECTED -> describe() + ": connected";
            case REFUSED ->
                    throw new RejectedException(
                            describe() + ": connection refused (nothing listens)");
            case NO_ANSWER ->
                    throw new RejectedException(
                            describe() + ": no answer within " + Durations.format(timeout));
            case UNREACHABLE, ABORTED ->
                    throw new RejectedException(describe() + ": " + attempt.detail());
        };
    }
}
