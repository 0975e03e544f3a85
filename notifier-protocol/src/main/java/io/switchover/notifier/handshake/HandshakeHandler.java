package io.switchover.notifier.handshake;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.frame.FrameDecoder;
import io.switchover.notifier.message.Message;
import io.switchover.notifier.message.MessageType;
import io.switchover.notifier.session.ConnectionEvents;
import io.switchover.notifier.session.ConnectionGuard;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.NotifierStats;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerInfo;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Runs the handshake on one connection, then replaces itself with the {@link PeerConnection}.
 *
 * <pre>
 *   connecting side                      accepting side
 *   [TLS handshake, when configured]
 *   HELLO  ------------------------------>  check protocol, cluster, auth method, node id
 *          <------------------------------  HELLO
 *   check the same
 *   AUTH(client proof) ------------------>  verify proof (or certificate identity), policy
 *          <------------------------------  AUTH(server proof)   = accepted, established
 *   verify proof, policy: established
 * </pre>
 *
 * Any failure closes the connection through the {@link ConnectionGuard} with a reason that is
 * logged and counted here and sent to the peer in a goodbye, so it is logged there too. A handshake
 * that does not complete within the timeout is closed as {@link CloseReason#HANDSHAKE_TIMEOUT}.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Which end of the connection this handler runs on. */
    public enum Role {
        CONNECTING,
        ACCEPTING
    }

    private enum Phase {
        AWAIT_HELLO,
        AWAIT_AUTH,
        DONE
    }

    private final HandshakeSettings settings;
    private final Supplier<NodeStatus> status;
    private final Role role;
    private final ConnectionGuard guard;
    private final FrameDecoder frameDecoder;
    private final NotifierStats stats;
    private final ConnectionEvents events;
    private final BiFunction<ChannelHandlerContext, PeerInfo, PeerConnection> sessionFactory;
    private final byte[] localNonce = new byte[32];
    private ConnectionKind kind;
    private Phase phase = Phase.AWAIT_HELLO;
    private Message.Hello peerHello;
    private String certificateSubject = "";
    private ScheduledFuture<?> timer;

    /**
     * @param kind the connection's kind on the connecting side; {@code null} on the accepting side,
     *     which learns it from the peer's hello
     */
    public HandshakeHandler(
            HandshakeSettings settings,
            Supplier<NodeStatus> status,
            Role role,
            ConnectionKind kind,
            ConnectionGuard guard,
            FrameDecoder frameDecoder,
            NotifierStats stats,
            ConnectionEvents events,
            BiFunction<ChannelHandlerContext, PeerInfo, PeerConnection> sessionFactory) {
        this.settings = settings;
        this.status = status;
        this.role = role;
        this.kind = kind;
        this.guard = guard;
        this.frameDecoder = frameDecoder;
        this.stats = stats;
        this.events = events;
        this.sessionFactory = sessionFactory;
        RANDOM.nextBytes(localNonce);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer =
                ctx.executor()
                        .schedule(
                                () ->
                                        guard.close(
                                                ctx.channel(),
                                                CloseReason.HANDSHAKE_TIMEOUT,
                                                "handshake not complete after "
                                                        + settings.timeout().toMillis()
                                                        + " ms",
                                                true),
                                settings.timeout().toNanos(),
                                TimeUnit.NANOSECONDS);
        if (role == Role.CONNECTING && ctx.pipeline().get(SslHandler.class) == null) {
            sendHello(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tls
                && tls.isSuccess()
                && role == Role.CONNECTING) {
            sendHello(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Message m) || (guard.closing() && m.type() != MessageType.GOODBYE)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!m.type().allowedBeforeAuthentication()) {
            ReferenceCountUtil.release(msg);
            fail(
                    ctx,
                    CloseReason.NOT_AUTHENTICATED,
                    m.type().name().toLowerCase() + " before the handshake completed");
            return;
        }
        switch (m.type()) {
            case HELLO -> onHello(ctx, (Message.Hello) m);
            case AUTH -> onAuth(ctx, (Message.Auth) m);
            default -> ctx.fireChannelRead(m); // goodbye and keepalive: the guard's business
        }
    }

    private void sendHello(ChannelHandlerContext ctx) {
        NodeStatus s = status.get();
        ctx.writeAndFlush(
                new Message.Hello(
                        settings.cluster(),
                        settings.node(),
                        settings.release(),
                        Frame.PROTOCOL_VERSION,
                        s.state(),
                        s.generation(),
                        kind.wireName(),
                        settings.capabilities(),
                        localNonce,
                        settings.authMethod(),
                        settings.maxFrameLength()));
    }

    private void onHello(ChannelHandlerContext ctx, Message.Hello hello) {
        if (phase != Phase.AWAIT_HELLO) {
            fail(ctx, CloseReason.PROTOCOL_VIOLATION, "second hello");
            return;
        }
        if (hello.protocol() != Frame.PROTOCOL_VERSION) {
            fail(
                    ctx,
                    CloseReason.PROTOCOL_MISMATCH,
                    "peer '"
                            + hello.node()
                            + "' speaks protocol version "
                            + hello.protocol()
                            + ", this node speaks "
                            + Frame.PROTOCOL_VERSION);
            return;
        }
        if (!hello.cluster().equals(settings.cluster())) {
            fail(
                    ctx,
                    CloseReason.WRONG_CLUSTER,
                    "peer '"
                            + hello.node()
                            + "' announced cluster '"
                            + hello.cluster()
                            + "', this node is in cluster '"
                            + settings.cluster()
                            + "'");
            return;
        }
        if (!hello.auth().equals(settings.authMethod())) {
            fail(
                    ctx,
                    CloseReason.AUTHENTICATION_FAILED,
                    "peer '"
                            + hello.node()
                            + "' authenticates with '"
                            + hello.auth()
                            + "', this node requires '"
                            + settings.authMethod()
                            + "'");
            return;
        }
        if (hello.node().equals(settings.node())) {
            fail(
                    ctx,
                    CloseReason.PEER_REFUSED,
                    "peer announced this node's own id '"
                            + hello.node()
                            + "' (is the node connecting to itself?)");
            return;
        }
        ConnectionKind announced = ConnectionKind.fromWireName(hello.kind());
        if (announced == null || (kind != null && announced != kind)) {
            fail(
                    ctx,
                    CloseReason.PROTOCOL_VIOLATION,
                    "connection kind '"
                            + hello.kind()
                            + "' where "
                            + (kind == null ? "main or aux" : kind.wireName())
                            + " was expected");
            return;
        }
        kind = announced;
        if (settings.tls() && !checkCertificate(ctx, hello.node())) {
            return;
        }
        peerHello = hello;
        guard.label(describe(ctx, hello.node()));
        phase = Phase.AWAIT_AUTH;
        if (role == Role.ACCEPTING) {
            sendHello(ctx);
        } else {
            ctx.writeAndFlush(new Message.Auth(proof(true)));
        }
    }

    private void onAuth(ChannelHandlerContext ctx, Message.Auth auth) {
        if (phase != Phase.AWAIT_AUTH) {
            fail(ctx, CloseReason.PROTOCOL_VIOLATION, "auth before hello");
            return;
        }
        if (settings.sharedSecret() != null) {
            boolean fromClient = role == Role.ACCEPTING;
            if (!SharedSecretProof.matches(proof(fromClient), auth.proof())) {
                fail(
                        ctx,
                        CloseReason.AUTHENTICATION_FAILED,
                        "shared-secret proof from '"
                                + peerHello.node()
                                + "' does not verify (the two nodes have different secrets)");
                return;
            }
        }
        PeerInfo peer = peerInfo(ctx);
        Optional<String> refusal = settings.policy().refusal(peer);
        if (refusal.isPresent()) {
            fail(ctx, CloseReason.PEER_REFUSED, refusal.get());
            return;
        }
        if (role == Role.ACCEPTING) {
            ctx.writeAndFlush(new Message.Auth(proof(false)));
        }
        establish(ctx, peer);
    }

    private void establish(ChannelHandlerContext ctx, PeerInfo peer) {
        phase = Phase.DONE;
        cancelTimer();
        frameDecoder.maxFrameLength(settings.maxFrameLength());
        PeerConnection connection = sessionFactory.apply(ctx, peer);
        ctx.pipeline().replace(this, "session", connection);
        stats.established();
        events.established(connection);
    }

    /** The proof of the client ({@code true}) or the server, computed from this side's view. */
    private byte[] proof(boolean ofClient) {
        if (settings.sharedSecret() == null) {
            return new byte[0];
        }
        boolean weConnect = role == Role.CONNECTING;
        String clientNode = weConnect ? settings.node() : peerHello.node();
        String serverNode = weConnect ? peerHello.node() : settings.node();
        byte[] clientNonce = weConnect ? localNonce : peerHello.nonce();
        byte[] serverNonce = weConnect ? peerHello.nonce() : localNonce;
        return ofClient
                ? SharedSecretProof.client(
                        settings.sharedSecret(),
                        settings.cluster(),
                        clientNode,
                        serverNode,
                        kind.wireName(),
                        clientNonce,
                        serverNonce)
                : SharedSecretProof.server(
                        settings.sharedSecret(),
                        settings.cluster(),
                        clientNode,
                        serverNode,
                        kind.wireName(),
                        clientNonce,
                        serverNonce);
    }

    private boolean checkCertificate(ChannelHandlerContext ctx, String node) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            fail(ctx, CloseReason.AUTHENTICATION_FAILED, "TLS is required but not in use");
            return false;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            X509Certificate cert = (X509Certificate) chain[0];
            List<String> names = CertificateIdentity.names(cert);
            if (!names.contains(node)) {
                fail(
                        ctx,
                        CloseReason.AUTHENTICATION_FAILED,
                        "peer announced node id '" + node + "' but its certificate names " + names);
                return false;
            }
            certificateSubject = cert.getSubjectX500Principal().getName();
            return true;
        } catch (SSLPeerUnverifiedException e) {
            fail(ctx, CloseReason.AUTHENTICATION_FAILED, "peer presented no certificate");
            return false;
        }
    }

    private PeerInfo peerInfo(ChannelHandlerContext ctx) {
        return new PeerInfo(
                peerHello.cluster(),
                peerHello.node(),
                peerHello.release(),
                peerHello.protocol(),
                peerHello.state(),
                peerHello.generation(),
                kind,
                peerHello.capabilities(),
                ctx.channel().remoteAddress(),
                settings.authMethod(),
                certificateSubject,
                peerHello.maxFrame());
    }

    private String describe(ChannelHandlerContext ctx, String node) {
        SocketAddress remote = ctx.channel().remoteAddress();
        return kind.wireName()
                + " connection "
                + (role == Role.CONNECTING ? "to" : "from")
                + " '"
                + node
                + "' ("
                + remote
                + ")";
    }

    private void fail(ChannelHandlerContext ctx, CloseReason reason, String detail) {
        cancelTimer();
        guard.close(ctx.channel(), reason, detail, true);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
