package io.switchover.notifier.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.frame.FrameDecoder;
import io.switchover.notifier.handshake.HandshakeHandler;
import io.switchover.notifier.message.MessageDecoder;
import io.switchover.notifier.message.MessageEncoder;
import io.switchover.notifier.session.ConnectionEvents;
import io.switchover.notifier.session.ConnectionGuard;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.NotifierStats;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pipeline every notifier channel gets, on both ends:
 *
 * <pre>
 *  [tls] -> flush consolidation -> frames -> messages -> encoder -> idle -> handshake|session -> guard
 * </pre>
 *
 * The idle-state handler sits after the frame decoder, so "read idle" means "no complete frame",
 * which catches a peer that sends half a frame and stalls as well as a silent one.
 */
final class ChannelSetup {
    /**
     * Socket write buffering for both ends: a stream pauses above 1 MiB queued and resumes below
     * 256 KiB, so one 64 KiB chunk never flips writability on its own.
     */
    static final WriteBufferWaterMark WRITE_BUFFER_WATER_MARK =
            new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final NotifierSettings settings;
    private final PeerHandlers handlers;
    private final Supplier<NodeStatus> status;
    private final NotifierStats stats;
    private final SslContext ssl;

    ChannelSetup(
            NotifierSettings settings,
            PeerHandlers handlers,
            Supplier<NodeStatus> status,
            NotifierStats stats,
            SslContext ssl) {
        this.settings = settings;
        this.handlers = handlers;
        this.status = status;
        this.stats = stats;
        this.ssl = ssl;
    }

    void init(
            Channel ch,
            HandshakeHandler.Role role,
            ConnectionKind kind,
            ConnectionEvents events,
            InetSocketAddress remote) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast(
                    "tls",
                    remote == null
                            ? ssl.newHandler(ch.alloc())
                            : ssl.newHandler(ch.alloc(), remote.getHostString(), remote.getPort()));
        }
        FrameDecoder frames = new FrameDecoder(Frame.PRE_AUTH_MAX_FRAME_LENGTH);
        ConnectionGuard guard =
                new ConnectionGuard(
                        stats,
                        events,
                        settings.idleTimeout(),
                        settings.nodeId(),
                        (kind == null ? "" : kind.wireName() + " ")
                                + "connection "
                                + (role == HandshakeHandler.Role.CONNECTING ? "to " : "from ")
                                + (remote != null ? remote : ch.remoteAddress()));
        p.addLast("flush", new FlushConsolidationHandler(256, true));
        p.addLast("frames", frames);
        p.addLast("messages", MessageDecoder.INSTANCE);
        p.addLast("encoder", MessageEncoder.INSTANCE);
        p.addLast(
                "idle",
                new IdleStateHandler(
                        settings.idleTimeout().toNanos(),
                        settings.keepaliveInterval().toNanos(),
                        0,
                        TimeUnit.NANOSECONDS));
        p.addLast(
                "handshake",
                new HandshakeHandler(
                        settings.handshake(),
                        status,
                        role,
                        kind,
                        guard,
                        frames,
                        stats,
                        events,
                        (ctx, peer) ->
                                new PeerConnection(
                                        ctx.channel(),
                                        peer,
                                        handlers,
                                        status,
                                        guard,
                                        settings.nodeId(),
                                        settings.streamChunkBytes(),
                                        settings.streamWindowBytes())));
        p.addLast("guard", guard);
    }
}
