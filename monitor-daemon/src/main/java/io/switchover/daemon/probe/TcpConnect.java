package io.switchover.daemon.probe;

import io.switchover.core.time.Durations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * One blocking TCP connection attempt, classified. Used by the network probe (where a refusal means
 * the host is up) and by the TCP module check (where it means the module is down); each decides
 * what a {@link Result} means for it.
 */
public final class TcpConnect {

    /** How a connection attempt ended. */
    public enum Result {
        /** The three-way handshake completed: something listens on the port. */
        CONNECTED,
        /** The host answered with a reset (or an ICMP port-unreachable): nothing listens there. */
        REFUSED,
        /** No answer within the timeout: host down, packets dropped, or a silent firewall. */
        NO_ANSWER,
        /** The local stack or a router reported the host or network unreachable, or other I/O. */
        UNREACHABLE,
        /** The attempt was aborted from another thread before it ended. */
        ABORTED
    }

    /** The result with a short human detail, e.g. {@code no answer within 2s}. */
    public record Attempt(Result result, String detail) {
        public Attempt {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private TcpConnect() {}

    /**
     * Connects to {@code address} (already resolved) and closes at once; never sends data. Blocks
     * for at most {@code timeout}, or until {@code abort} fires.
     */
    public static Attempt attempt(InetSocketAddress address, Duration timeout, Abort abort) {
        if (address.isUnresolved()) {
            return new Attempt(Result.UNREACHABLE, "unresolved " + address.getHostString());
        }
        long millis = Math.max(0, timeout.toMillis());
        if (millis == 0) {
            // Socket.connect treats 0 as "wait forever": a spent deadline is no answer instead.
            return new Attempt(Result.NO_ANSWER, "no time left to connect");
        }
        Socket socket = new Socket();
        if (!abort.register(socket)) {
            return new Attempt(Result.ABORTED, "aborted");
        }
        try (socket) {
            socket.connect(address, (int) Math.min(Integer.MAX_VALUE, millis));
            return new Attempt(Result.CONNECTED, "connected");
        } catch (SocketTimeoutException e) {
            return new Attempt(
                    Result.NO_ANSWER,
                    "no answer within " + Durations.format(Duration.ofMillis(millis)));
        } catch (ConnectException e) {
            if (abort.aborted()) {
                return new Attempt(Result.ABORTED, "aborted");
            }
            String message = String.valueOf(e.getMessage());
            // ECONNREFUSED is the only ConnectException the JDK raises with this wording; other
            // connect errors (e.g. a kernel timeout) must not be mistaken for an answer.
            return message.toLowerCase(java.util.Locale.ROOT).contains("refused")
                    ? new Attempt(Result.REFUSED, "connection refused")
                    : new Attempt(Result.UNREACHABLE, message);
        } catch (NoRouteToHostException e) {
            return new Attempt(Result.UNREACHABLE, "no route to host");
        } catch (IOException e) {
            if (abort.aborted()) {
                return new Attempt(Result.ABORTED, "aborted");
            }
            return new Attempt(Result.UNREACHABLE, String.valueOf(e.getMessage()));
        } finally {
            abort.clear();
        }
    }

    /** {@link #attempt(InetSocketAddress, Duration, Abort)} that nothing can abort. */
    public static Attempt attempt(InetSocketAddress address, Duration timeout) {
        return attempt(address, timeout, new Abort());
    }
}
