package io.switchover.notifier.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.frame.ProtocolException;
import io.switchover.notifier.message.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every notifier pipeline, and the one place that closes a connection. It turns
 * whatever ends a connection (a protocol violation, a stall, a TLS failure, the peer's goodbye, a
 * reset) into exactly one {@link CloseReason}, logs it once, counts it, tells the peer with a
 * goodbye where the peer can still hear it, and reports it to the transport.
 *
 * <p>It is also the idle policy: the idle-state handler only says "idle"; here a write-idle
 * connection gets a keepalive and a read-idle one (no complete frame for the idle timeout) is
 * closed as stalled.
 */
public final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long GOODBYE_GRACE_MILLIS = 500;

    private final NotifierStats stats;
    private final ConnectionEvents events;
    private final Duration idleTimeout;
    private final String localNode;
    private String label;
    private PeerConnection connection;
    private CloseReason reason;
    private String detail;
    private boolean byPeer;

    public ConnectionGuard(
            NotifierStats stats,
            ConnectionEvents events,
            Duration idleTimeout,
            String localNode,
            String label) {
        this.stats = stats;
        this.events = events;
        this.idleTimeout = idleTimeout;
        this.localNode = localNode;
        this.label = label;
    }

    /** Names the connection in log lines once the peer has said who it is. */
    public void label(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    void attach(PeerConnection connection) {
        this.connection = connection;
    }

    /** Why the connection closed, or {@code null} while it is open. */
    public CloseReason closeReason() {
        return reason;
    }

    /** Whether a close has been decided; nothing more from the peer is acted on after that. */
    public boolean closing() {
        return reason != null;
    }

    public String closeDetail() {
        return detail;
    }

    /**
     * Closes the connection with a reason; the first reason given wins. With {@code tellPeer}, a
     * goodbye naming the reason is written first, and the close follows when it is written or after
     * a short grace period, whichever comes first.
     */
    public void close(Channel channel, CloseReason reason, String detail, boolean tellPeer) {
        if (!record(reason, detail, false)) {
            return;
        }
        if (tellPeer && channel.isActive()) {
            channel.writeAndFlush(new Message.Goodbye(reason.code(), detail))
                    .addListener(ChannelFutureListener.CLOSE);
            channel.eventLoop()
                    .schedule(
                            () -> {
                                channel.close();
                            },
                            GOODBYE_GRACE_MILLIS,
                            TimeUnit.MILLISECONDS);
        } else {
            channel.close();
        }
    }

    private boolean record(CloseReason reason, String detail, boolean byPeer) {
        if (this.reason != null) {
            return false;
        }
        this.reason = reason;
        this.detail = detail;
        this.byPeer = byPeer;
        stats.closed(reason, byPeer);
        String who =
                byPeer
                        ? "peer closed"
                        : reason == CloseReason.CONNECTION_CLOSED
                                ? localNode + " lost"
                                : localNode + " closing";
        if (reason == CloseReason.SHUTDOWN || reason == CloseReason.SUPERSEDED) {
            log.info("{} {}: {}: {}", who, label, reason.code(), detail);
        } else {
            log.warn("{} {}: {}: {}", who, label, reason.code(), detail);
        }
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Message.Goodbye goodbye) {
                CloseReason peerReason = CloseReason.fromCode(goodbye.reason());
                record(
                        peerReason == null ? CloseReason.CONNECTION_CLOSED : peerReason,
                        peerReason == null
                                ? goodbye.reason() + ": " + goodbye.detail()
                                : goodbye.detail(),
                        true);
                ctx.close();
            } else if (!(msg instanceof Message.Keepalive)) {
                close(
                        ctx.channel(),
                        CloseReason.INTERNAL_ERROR,
                        "unhandled inbound message " + msg,
                        true);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            switch (idle.state()) {
                case READER_IDLE -> {
                    // Until the peer is authenticated the handshake timeout governs.
                    if (connection != null) {
                        close(
                                ctx.channel(),
                                CloseReason.PEER_STALLED,
                                "no complete frame received for " + idleTimeout.toMillis() + " ms",
                                true);
                    }
                }
                case WRITER_IDLE -> ctx.writeAndFlush(new Message.Keepalive());
                default -> {}
            }
        } else if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            close(ctx.channel(), CloseReason.TLS_FAILED, describe(tls.cause()), false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c =
                cause instanceof DecoderException && cause.getCause() != null
                        ? cause.getCause()
                        : cause;
        if (c instanceof ProtocolException p) {
            close(ctx.channel(), p.reason(), p.detail(), true);
        } else if (c instanceof SSLException) {
            close(ctx.channel(), CloseReason.TLS_FAILED, describe(c), false);
        } else if (c instanceof IOException) {
            close(ctx.channel(), CloseReason.IO_ERROR, describe(c), false);
        } else {
            log.error("unexpected error on {}", label, c);
            close(ctx.channel(), CloseReason.INTERNAL_ERROR, describe(c), true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        record(
                CloseReason.CONNECTION_CLOSED,
                "the connection was closed by the peer or the network",
                false);
        if (connection != null) {
            connection.closed(reason, detail);
        }
        events.closed(ctx.channel(), connection, reason, detail, byPeer);
        ctx.fireChannelInactive();
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
