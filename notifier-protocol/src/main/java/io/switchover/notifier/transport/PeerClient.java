package io.switchover.notifier.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.handshake.HandshakeHandler;
import io.switchover.notifier.session.ConnectionEvents;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.NotifierStats;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.session.PingReply;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's connecting side: keeps a main and an auxiliary connection to one peer. Each
 * connection has its own connected state, queryable at any moment with {@link
 * #isConnected(ConnectionKind)}, and is re-established after any loss or failed attempt with
 * bounded exponential backoff and jitter, until {@link #close()}.
 */
public final class PeerClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerClient.class);

    private final NotifierSettings settings;
    private final ConnectionListener listener;
    private final InetSocketAddress remote;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final NotifierStats stats = new NotifierStats();
    private final ChannelSetup setup;
    private final Map<ConnectionKind, Slot> slots = new EnumMap<>(ConnectionKind.class);
    private volatile boolean closed;

    /**
     * @param group the event loops to use, or {@code null} for a private single-thread group that
     *     {@link #close()} shuts down
     */
    public PeerClient(
            NotifierSettings settings,
            PeerHandlers handlers,
            Supplier<NodeStatus> status,
            ConnectionListener listener,
            EventLoopGroup group,
            InetSocketAddress remote) {
        this.settings = settings;
        this.listener = listener;
        this.remote = remote;
        this.ownsGroup = group == null;
        this.group = group != null ? group : EventLoops.create("notifier-client", 1);
        this.setup =
                new ChannelSetup(
                        settings,
                        handlers,
                        status,
                        stats,
                        settings.tls() == null ? null : settings.tls().clientContext());
        for (ConnectionKind kind : ConnectionKind.values()) {
            slots.put(kind, new Slot(kind));
        }
    }

    /** Starts connecting both connections. */
    public void start() {
        slots.values().forEach(Slot::connect);
    }

    /** Whether the connection of this kind is established right now. */
    public boolean isConnected(ConnectionKind kind) {
        PeerConnection c = slots.get(kind).connection;
        return c != null && c.isOpen();
    }

    /** The established connection of this kind, if it is up. */
    public Optional<PeerConnection> connection(ConnectionKind kind) {
        PeerConnection c = slots.get(kind).connection;
        return c != null && c.isOpen() ? Optional.of(c) : Optional.empty();
    }

    /**
     * Pings the peer's notifier over the connection of this kind; {@code CONNECTION_LOSS} at once
     * when that connection is down.
     */
    public CompletableFuture<Outcome<PingReply>> ping(ConnectionKind kind, Duration timeout) {
        return connection(kind)
                .map(c -> c.ping(timeout))
                .orElseGet(
                        () ->
                                CompletableFuture.completedFuture(
                                        new Outcome.ConnectionLoss<>(
                                                kind.wireName()
                                                        + " connection to "
                                                        + remote
                                                        + " is down",
                                                0)));
    }

    public NotifierStats stats() {
        return stats;
    }

    public InetSocketAddress remote() {
        return remote;
    }

    /** Stops reconnecting and closes both connections; pending calls complete as CANCELLED. */
    @Override
    public void close() {
        closed = true;
        for (Slot s : slots.values()) {
            s.stop();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One connection kind's connect-and-reconnect loop. */
    private final class Slot implements ConnectionEvents {
        private final ConnectionKind kind;
        private volatile PeerConnection connection;
        private volatile Channel channel;
        private int attempts;

        Slot(ConnectionKind kind) {
            this.kind = kind;
        }

        void connect() {
            if (closed) {
                return;
            }
            ChannelFuture f =
                    new Bootstrap()
                            .group(group)
                            .channel(EventLoops.socketChannel())
                            .option(ChannelOption.TCP_NODELAY, true)
                            .option(ChannelOption.SO_KEEPALIVE, true)
                            .option(
                                    ChannelOption.CONNECT_TIMEOUT_MILLIS,
                                    (int) settings.handshakeTimeout().toMillis())
                            .option(
                                    ChannelOption.WRITE_BUFFER_WATER_MARK,
                                    ChannelSetup.WRITE_BUFFER_WATER_MARK)
                            .handler(
                                    new ChannelInitializer<SocketChannel>() {
                                        @Override
                                        protected void initChannel(SocketChannel ch) {
                                            setup.init(
                                                    ch,
                                                    HandshakeHandler.Role.CONNECTING,
                                                    kind,
                                                    Slot.this,
                                                    remote);
                                        }
                                    })
                            .connect(remote);
            channel = f.channel();
            f.addListener(
                    done -> {
                        if (!done.isSuccess()) {
                            String why = String.valueOf(done.cause().getMessage());
                            log.debug("{} connection to {}: connect failed: {}", kind, remote, why);
                            listener.failed(
                                    remote, CloseReason.IO_ERROR, "connect failed: " + why, false);
                            retry();
                        } else if (closed) {
                            f.channel().close();
                        }
                    });
        }

        void stop() {
            PeerConnection c = connection;
            if (c != null) {
                c.close();
            }
            Channel ch = channel;
            if (ch != null) {
                ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }

        @Override
        public void established(PeerConnection c) {
            attempts = 0;
            connection = c;
            listener.established(c);
        }

        @Override
        public void closed(
                Channel ch, PeerConnection c, CloseReason reason, String detail, boolean byPeer) {
            if (c != null) {
                connection = null;
                listener.lost(c, reason, detail);
            } else {
                listener.failed(remote, reason, detail, byPeer);
            }
            retry();
        }

        private void retry() {
            if (closed) {
                return;
            }
            long delay =
                    settings.reconnect()
                            .delayNanos(attempts++, ThreadLocalRandom.current()::nextDouble);
            try {
                group.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Shutting down.
            }
        }
    }
}
