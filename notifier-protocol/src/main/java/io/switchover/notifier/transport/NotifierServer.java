package io.switchover.notifier.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.handshake.HandshakeHandler;
import io.switchover.notifier.session.ConnectionEvents;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.NotifierStats;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The notifier's accepting side: a TCP listener whose connections run the handshake and then serve
 * the peer (pings, module pings, requests, notifications, streams). At most one connection per peer
 * node and kind is kept: a newer one supersedes the older, which is closed as {@link
 * CloseReason#SUPERSEDED} (a peer that reconnects after a half-open connection is not locked out).
 */
public final class NotifierServer implements AutoCloseable {
    private final NotifierSettings settings;
    private final ConnectionListener listener;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final NotifierStats stats = new NotifierStats();
    private final ChannelSetup setup;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<String, PeerConnection> established = new ConcurrentHashMap<>();
    private Channel serverChannel;

    /**
     * @param group the event loops to use, or {@code null} for a private single-thread group that
     *     {@link #close()} shuts down
     */
    public NotifierServer(
            NotifierSettings settings,
            PeerHandlers handlers,
            Supplier<NodeStatus> status,
            ConnectionListener listener,
            EventLoopGroup group) {
        this.settings = settings;
        this.listener = listener;
        this.ownsGroup = group == null;
        this.group = group != null ? group : EventLoops.create("notifier-server", 1);
        this.setup =
                new ChannelSetup(
                        settings,
                        handlers,
                        status,
                        stats,
                        settings.tls() == null ? null : settings.tls().serverContext());
    }

    /** Binds and starts accepting; returns the bound address (useful with port 0). */
    public InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        ConnectionEvents events = new Events();
        serverChannel =
                new ServerBootstrap()
                        .group(group)
                        .channel(EventLoops.serverChannel())
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true)
                        .childOption(
                                ChannelOption.WRITE_BUFFER_WATER_MARK,
                                ChannelSetup.WRITE_BUFFER_WATER_MARK)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        channels.add(ch);
                                        setup.init(
                                                ch,
                                                HandshakeHandler.Role.ACCEPTING,
                                                null,
                                                events,
                                                null);
                                    }
                                })
                        .bind(address)
                        .sync()
                        .channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The established connection from {@code node} of the given kind, if any. */
    public Optional<PeerConnection> connection(String node, ConnectionKind kind) {
        PeerConnection c = established.get(key(node, kind));
        return c != null && c.isOpen() ? Optional.of(c) : Optional.empty();
    }

    /** Every established connection. */
    public List<PeerConnection> connections() {
        return new ArrayList<>(established.values());
    }

    public NotifierStats stats() {
        return stats;
    }

    public NotifierSettings settings() {
        return settings;
    }

    /**
     * Closes the listener and every connection, telling the peers; calls pending on them complete
     * as {@code CANCELLED}.
     */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        for (PeerConnection c : connections()) {
            c.close();
        }
        channels.close().awaitUninterruptibly();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                    .syncUninterruptibly();
        }
    }

    private static String key(String node, ConnectionKind kind) {
        return node + "/" + kind.wireName();
    }

    private final class Events implements ConnectionEvents {
        @Override
        public void established(PeerConnection connection) {
            PeerConnection old =
                    established.put(key(connection.peer().nodeId(), connection.kind()), connection);
            if (old != null && old != connection) {
                old.close(
                        CloseReason.SUPERSEDED,
                        "a newer "
                                + connection.kind().wireName()
                                + " connection from '"
                                + connection.peer().nodeId()
                                + "' replaced this one");
            }
            listener.established(connection);
        }

        @Override
        public void closed(
                Channel channel,
                PeerConnection connection,
                CloseReason reason,
                String detail,
                boolean byPeer) {
            if (connection == null) {
                listener.failed(channel.remoteAddress(), reason, detail, byPeer);
                return;
            }
            established.remove(key(connection.peer().nodeId(), connection.kind()), connection);
            listener.lost(connection, reason, detail);
        }
    }
}
