package io.switchover.notifier.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchover.notifier.frame.CloseReason;
import io.switchover.notifier.frame.Frame;
import io.switchover.notifier.message.Message;
import io.switchover.notifier.message.MessageType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One established, authenticated connection to the peer, and the API to use it: pings, module
 * pings, named requests, notifications and streams.
 *
 * <p>Contract of every call: it returns a future that completes exactly once and never
 * exceptionally, with one of the five {@link Outcome}s. A call on a connection that is not open
 * completes at once with {@link Outcome.ConnectionLoss}. When the connection drops, every pending
 * call completes with {@link Outcome.ConnectionLoss}; when this side closes it ({@link #close()}),
 * with {@link Outcome.Cancelled}. Nothing pending outlives the connection: {@link #pendingCount()}
 * is zero once it is closed.
 *
 * <p>Threading: calls may be made from any thread. All state lives on the channel's event loop;
 * futures complete there, and handlers are called there, so neither may block.
 */
public final class PeerConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

    private final Channel channel;
    private final EventLoop loop;
    private final PeerInfo peer;
    private final PeerHandlers handlers;
    private final Supplier<NodeStatus> status;
    private final ConnectionGuard guard;
    private final String localNode;
    private final int streamChunkBytes;
    private final int streamWindowBytes;

    // Event-loop state.
    private final LongObjectMap<Pending<?>> requests = new LongObjectHashMap<>();
    private final Map<String, TopicOut> notificationsOut = new HashMap<>();
    private final Map<String, TopicIn> notificationsIn = new HashMap<>();
    private final LongObjectMap<OutgoingStream> outgoing = new LongObjectHashMap<>();
    private final LongObjectMap<IncomingStream> incoming = new LongObjectHashMap<>();
    private long nextId = 1;
    private boolean closingLocally;
    private volatile boolean open = true;

    public PeerConnection(
            Channel channel,
            PeerInfo peer,
            PeerHandlers handlers,
            Supplier<NodeStatus> status,
            ConnectionGuard guard,
            String localNode,
            int streamChunkBytes,
            int streamWindowBytes) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.peer = peer;
        this.handlers = handlers;
        this.status = status;
        this.guard = guard;
        this.localNode = localNode;
        // Never send the peer a frame above the limit it announced.
        this.streamChunkBytes =
                Math.min(streamChunkBytes, peer.maxFrameLength() - Frame.HEADER_BYTES);
        this.streamWindowBytes = streamWindowBytes;
        guard.attach(this);
    }

    /**
     * The event loop this connection lives on. Work scheduled here runs without a thread hop, which
     * is what a latency-sensitive caller (a monitor's ping schedule) may want.
     */
    public EventLoop eventLoop() {
        return loop;
    }

    /** Who is at the other end, as the handshake established. */
    public PeerInfo peer() {
        return peer;
    }

    public ConnectionKind kind() {
        return peer.kind();
    }

    /** Whether the connection is up; false from the moment it starts closing. */
    public boolean isOpen() {
        return usable() && channel.isActive();
    }

    /** Why the connection closed, or {@code null} while it is open. */
    public CloseReason closeReason() {
        return guard.closeReason();
    }

    /**
     * Whether anything may still be sent: false once the channel closed or a close was decided
     * (nothing goes out behind our own goodbye).
     */
    private boolean usable() {
        return open && !guard.closing();
    }

    /** Pings the peer's notifier; it answers with its state and generation. */
    public CompletableFuture<Outcome<PingReply>> ping(Duration timeout) {
        return call(Message.Ping::new, 0, PingReply::decode, timeout);
    }

    /** Pings the named module on the peer; the peer's module handler answers or refuses. */
    public CompletableFuture<Outcome<String>> pingModule(String module, Duration timeout) {
        Message.requireName("module", module);
        return call(
                id -> new Message.ModulePing(id, module),
                utf8Length(module),
                body -> new String(body, StandardCharsets.UTF_8),
                timeout);
    }

    /** Sends a named request; the peer's handler for the operation answers or refuses. */
    public CompletableFuture<Outcome<byte[]>> request(
            String operation, byte[] body, Duration timeout) {
        Message.requireName("operation", operation);
        return call(
                id -> new Message.Request(id, operation, body),
                1L + utf8Length(operation) + body.length,
                b -> b,
                timeout);
    }

    /**
     * Sends a notification. {@code seq} must be above every sequence number sent earlier on the
     * topic over this connection. The future succeeds when the peer acknowledges {@code seq} (or a
     * later one), and times out when no acknowledgement comes within {@code timeout}.
     */
    public CompletableFuture<Outcome<Void>> notify(
            String topic, long seq, byte[] body, Duration timeout) {
        Message.requireName("topic", topic);
        CompletableFuture<Outcome<Void>> future = new CompletableFuture<>();
        long start = System.nanoTime();
        if (rejectIfTooLarge(future, start, "notification", 1L + utf8Length(topic) + body.length)) {
            return future;
        }
        onLoop(
                future,
                start,
                () -> {
                    TopicOut t = notificationsOut.computeIfAbsent(topic, k -> new TopicOut());
                    if (seq <= t.lastSeq) {
                        future.complete(
                                new Outcome.Rejected<>(
                                        "sequence number "
                                                + seq
                                                + " is not above "
                                                + t.lastSeq
                                                + ", the last one sent on topic '"
                                                + topic
                                                + "'",
                                        System.nanoTime() - start));
                        return;
                    }
                    t.lastSeq = seq;
                    Pending<Void> p = new Pending<>(future, start, b -> null);
                    t.pending.put(seq, p);
                    p.expireAfter(timeout, () -> t.pending.remove(seq) != null);
                    send(new Message.Notify(seq, topic, body));
                });
        return future;
    }

    /**
     * Sends a stream: opens it with a header, then pulls chunks from {@code source} as the receiver
     * grants credit and the socket drains. The future completes with the receiver's result after it
     * has checked length and checksum, or with the reason the stream failed. It times out when the
     * receiver grants no credit and sends no result for {@code idleTimeout}.
     */
    public CompletableFuture<Outcome<byte[]>> stream(
            String topic, byte[] header, ChunkSource source, Duration idleTimeout) {
        Message.requireName("topic", topic);
        CompletableFuture<Outcome<byte[]>> future = new CompletableFuture<>();
        long start = System.nanoTime();
        future.whenComplete((o, e) -> source.close());
        if (rejectIfTooLarge(
                future, start, "stream header", 1L + utf8Length(topic) + header.length)) {
            return future;
        }
        onLoop(
                future,
                start,
                () -> {
                    long id = nextId++;
                    OutgoingStream s = new OutgoingStream(id, source, future, start, idleTimeout);
                    outgoing.put(id, s);
                    s.armTimer();
                    send(new Message.StreamOpen(id, topic, header));
                });
        return future;
    }

    /**
     * The number of calls, acknowledgements and streams still pending on this connection. Blocks
     * briefly when called off the event loop; meant for status and tests.
     */
    public int pendingCount() {
        if (loop.inEventLoop()) {
            return pendingCountOnLoop();
        }
        try {
            return loop.submit(this::pendingCountOnLoop).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            throw new IllegalStateException("event loop did not answer", e);
        }
    }

    private int pendingCountOnLoop() {
        int n = requests.size() + outgoing.size() + incoming.size();
        for (TopicOut t : notificationsOut.values()) {
            n += t.pending.size();
        }
        return n;
    }

    /** Closes the connection from this side; pending calls complete as {@code CANCELLED}. */
    public void close() {
        close(CloseReason.SHUTDOWN, "closed by " + localNode);
    }

    /**
     * Closes the connection with a reason, telling the peer. Pending calls complete as {@code
     * CANCELLED} for {@link CloseReason#SHUTDOWN}, otherwise as {@code CONNECTION_LOSS}.
     */
    public void close(CloseReason reason, String detail) {
        Runnable r =
                () -> {
                    closingLocally = reason == CloseReason.SHUTDOWN;
                    guard.close(channel, reason, detail, true);
                };
        if (loop.inEventLoop()) {
            r.run();
        } else {
            try {
                loop.execute(r);
            } catch (RejectedExecutionException e) {
                channel.close();
            }
        }
    }

    @Override
    public String toString() {
        return guard.label();
    }

    // ---------------------------------------------------------------- requests

    private <T> CompletableFuture<Outcome<T>> call(
            LongFunction<Message> build,
            long payloadBytes,
            Function<byte[], T> decode,
            Duration timeout) {
        CompletableFuture<Outcome<T>> future = new CompletableFuture<>();
        long start = System.nanoTime();
        if (rejectIfTooLarge(future, start, "request", payloadBytes)) {
            return future;
        }
        onLoop(
                future,
                start,
                () -> {
                    long id = nextId++;
                    Pending<T> p = new Pending<>(future, start, decode);
                    requests.put(id, p);
                    p.expireAfter(timeout, () -> requests.remove(id) != null);
                    send(build.apply(id));
                });
        return future;
    }

    /**
     * Runs {@code action} on the event loop if the connection is open; else completes the future.
     */
    private <T> void onLoop(CompletableFuture<Outcome<T>> future, long start, Runnable action) {
        if (!usable()) {
            future.complete(connectionLoss(start));
            return;
        }
        Runnable guarded =
                () -> {
                    if (!usable()) {
                        future.complete(connectionLoss(start));
                    } else {
                        action.run();
                    }
                };
        if (loop.inEventLoop()) {
            guarded.run();
        } else {
            try {
                loop.execute(guarded);
            } catch (RejectedExecutionException e) {
                future.complete(
                        new Outcome.Cancelled<>(
                                "the notifier is shut down", System.nanoTime() - start));
            }
        }
    }

    /**
     * Completes {@code future} as rejected, without sending, when a message with this payload would
     * exceed the frame limit the peer announced (the peer would close the connection over it).
     */
    private <T> boolean rejectIfTooLarge(
            CompletableFuture<Outcome<T>> future, long start, String what, long payloadBytes) {
        if (!usable()) {
            return false; // a closed connection answers CONNECTION_LOSS, whatever the size
        }
        String problem = tooLarge(what, payloadBytes);
        if (problem == null) {
            return false;
        }
        future.complete(new Outcome.Rejected<>(problem, System.nanoTime() - start));
        return true;
    }

    private String tooLarge(String what, long payloadBytes) {
        long frame = Frame.HEADER_BYTES + payloadBytes;
        return frame <= peer.maxFrameLength()
                ? null
                : what
                        + " of "
                        + frame
                        + " bytes exceeds the maximum frame length of "
                        + peer.maxFrameLength()
                        + " that "
                        + peer.nodeId()
                        + " accepts";
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private <T> Outcome<T> connectionLoss(long start) {
        CloseReason r = guard.closeReason();
        return new Outcome.ConnectionLoss<>(
                "connection to "
                        + peer.nodeId()
                        + " ("
                        + peer.kind().wireName()
                        + ") is closed"
                        + (r == null ? "" : ": " + r.code()),
                System.nanoTime() - start);
    }

    private void onReply(Message.Reply reply) {
        long id = reply.correlationId();
        Pending<?> p = requests.remove(id);
        if (p != null) {
            p.completeWith(reply);
            return;
        }
        OutgoingStream s = outgoing.remove(id);
        if (s != null) {
            s.finish(
                    reply.status() == Message.ReplyStatus.OK
                            ? new Outcome.Success<>(reply.body(), s.elapsed())
                            : new Outcome.Rejected<>(reply.rejectionReason(), s.elapsed()));
            return;
        }
        // An answer that came after its request timed out: the caller already has its outcome.
        log.debug("{}: late reply {} ignored", guard.label(), id);
    }

    private final class Pending<T> {
        final CompletableFuture<Outcome<T>> future;
        final long start;
        final Function<byte[], T> decode;
        ScheduledFuture<?> timer;

        Pending(CompletableFuture<Outcome<T>> future, long start, Function<byte[], T> decode) {
            this.future = future;
            this.start = start;
            this.decode = decode;
        }

        long elapsed() {
            return System.nanoTime() - start;
        }

        /**
         * Completes as {@code TIMEOUT} after {@code timeout}, if {@code removeFromTable} still
         * finds the entry (an answer that came first removed it).
         */
        void expireAfter(Duration timeout, BooleanSupplier removeFromTable) {
            timer =
                    loop.schedule(
                            () -> {
                                if (removeFromTable.getAsBoolean()) {
                                    complete(new Outcome.Timeout<>(elapsed()));
                                }
                            },
                            timeout.toNanos(),
                            TimeUnit.NANOSECONDS);
        }

        void complete(Outcome<T> outcome) {
            if (timer != null) {
                timer.cancel(false);
            }
            future.complete(outcome);
        }

        void completeWith(Message.Reply reply) {
            if (reply.status() == Message.ReplyStatus.REJECTED) {
                complete(new Outcome.Rejected<>(reply.rejectionReason(), elapsed()));
                return;
            }
            T value;
            try {
                value = decode.apply(reply.body());
            } catch (IllegalArgumentException e) {
                complete(new Outcome.Rejected<>("malformed reply: " + e.getMessage(), elapsed()));
                guard.close(
                        channel, CloseReason.MALFORMED_PAYLOAD, "reply: " + e.getMessage(), true);
                return;
            }
            complete(new Outcome.Success<>(value, elapsed()));
        }
    }

    // ---------------------------------------------------------------- inbound

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Message m)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (guard.closing() && m.type() != MessageType.GOODBYE) {
            ReferenceCountUtil.release(m);
            return;
        }
        switch (m.type()) {
            case PING -> reply(Message.Reply.ok(m.correlationId(), PingReply.encode(status.get())));
            case MODULE_PING -> onModulePing((Message.ModulePing) m);
            case REQUEST -> onRequest((Message.Request) m);
            case REPLY -> onReply((Message.Reply) m);
            case NOTIFY -> onNotify((Message.Notify) m);
            case NOTIFY_ACK -> onNotifyAck((Message.NotifyAck) m);
            case STREAM_OPEN -> onStreamOpen((Message.StreamOpen) m);
            case STREAM_CREDIT -> onStreamCredit((Message.StreamCredit) m);
            case STREAM_CHUNK -> onStreamChunk((Message.StreamChunk) m);
            case STREAM_END -> onStreamEnd((Message.StreamEnd) m);
            case STREAM_CANCEL -> onStreamCancel((Message.StreamCancel) m);
            case STREAM_ABORT -> onStreamAbort((Message.StreamAbort) m);
            case HELLO, AUTH ->
                    guard.close(
                            channel,
                            CloseReason.PROTOCOL_VIOLATION,
                            m.type().name().toLowerCase() + " after the handshake completed",
                            true);
            case GOODBYE, KEEPALIVE -> ctx.fireChannelRead(m);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            for (OutgoingStream s : new ArrayList<>(outgoing.values())) {
                s.pump();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void reply(Message.Reply reply) {
        send(reply);
    }

    /** Writes a message unless the connection is closing; a chunk not sent is released. */
    private void send(Message message) {
        if (usable()) {
            channel.writeAndFlush(message, channel.voidPromise());
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    private void onModulePing(Message.ModulePing ping) {
        PeerHandlers.ModuleHandler handler = handlers.module(ping.module());
        if (handler == null) {
            reply(
                    Message.Reply.rejected(
                            ping.correlationId(),
                            "no module '" + ping.module() + "' is registered on " + localNode));
            return;
        }
        answer(
                ping.correlationId(),
                invoke(() -> handler.ping(this, ping.module()))
                        .thenApply(d -> (d == null ? "" : d).getBytes(StandardCharsets.UTF_8)));
    }

    private void onRequest(Message.Request request) {
        PeerHandlers.RequestHandler handler = handlers.request(request.operation());
        if (handler == null) {
            reply(
                    Message.Reply.rejected(
                            request.correlationId(),
                            "operation '"
                                    + request.operation()
                                    + "' is not served by "
                                    + localNode));
            return;
        }
        answer(request.correlationId(), invoke(() -> handler.handle(this, request.body())));
    }

    private void answer(long id, CompletionStage<byte[]> stage) {
        stage.thenApply(
                        body -> {
                            String problem =
                                    tooLarge("reply", 1L + (body == null ? 0 : body.length));
                            if (problem != null) {
                                throw new RejectedException(problem);
                            }
                            return body;
                        })
                .whenComplete(
                        (body, error) ->
                                runOnLoop(
                                        () ->
                                                reply(
                                                        error == null
                                                                ? Message.Reply.ok(
                                                                        id,
                                                                        body == null
                                                                                ? new byte[0]
                                                                                : body)
                                                                : Message.Reply.rejected(
                                                                        id, describe(error)))));
    }

    private void onNotify(Message.Notify n) {
        TopicIn t = notificationsIn.computeIfAbsent(n.topic(), k -> new TopicIn());
        long seq = n.correlationId();
        if (seq <= t.lastSeq) {
            guard.close(
                    channel,
                    CloseReason.PROTOCOL_VIOLATION,
                    "notification "
                            + seq
                            + " on topic '"
                            + n.topic()
                            + "' is not above "
                            + t.lastSeq,
                    true);
            return;
        }
        t.lastSeq = seq;
        PeerHandlers.NotificationHandler handler = handlers.notifications(n.topic());
        if (handler == null) {
            if (!t.warned) {
                t.warned = true;
                log.warn(
                        "{}: no handler for notification topic '{}'; not acknowledged",
                        guard.label(),
                        n.topic());
            }
            return;
        }
        String topic = n.topic();
        try {
            handler.onNotification(this, seq, n.body(), () -> runOnLoop(() -> ack(topic, t, seq)));
        } catch (RuntimeException e) {
            log.error("{}: notification handler for '{}' failed", guard.label(), topic, e);
        }
    }

    private void ack(String topic, TopicIn t, long seq) {
        if (seq > t.lastAcked && usable()) {
            t.lastAcked = seq;
            send(new Message.NotifyAck(seq, topic));
        }
    }

    private void onNotifyAck(Message.NotifyAck ack) {
        TopicOut t = notificationsOut.get(ack.topic());
        if (t == null) {
            return;
        }
        NavigableMap<Long, Pending<Void>> done = t.pending.headMap(ack.correlationId(), true);
        for (Pending<Void> p : done.values()) {
            p.complete(new Outcome.Success<>(null, p.elapsed()));
        }
        done.clear();
    }

    private static final class TopicOut {
        final TreeMap<Long, Pending<Void>> pending = new TreeMap<>();
        long lastSeq = Long.MIN_VALUE;
    }

    private static final class TopicIn {
        long lastSeq = Long.MIN_VALUE;
        long lastAcked = Long.MIN_VALUE;
        boolean warned;
    }

    // ---------------------------------------------------------------- outgoing streams

    private void onStreamCredit(Message.StreamCredit credit) {
        OutgoingStream s = outgoing.get(credit.correlationId());
        if (s != null) {
            s.credit += credit.bytes();
            s.armTimer();
            s.pump();
        }
    }

    private void onStreamCancel(Message.StreamCancel cancel) {
        OutgoingStream s = outgoing.remove(cancel.correlationId());
        if (s != null) {
            s.finish(new Outcome.Rejected<>("receiver cancelled: " + cancel.reason(), s.elapsed()));
        }
    }

    private final class OutgoingStream {
        final long id;
        final ChunkSource source;
        final CompletableFuture<Outcome<byte[]>> future;
        final long start;
        final Duration idleTimeout;
        final CRC32C crc = new CRC32C();
        long credit;
        long sent;
        boolean reading;
        boolean endSent;
        boolean done;
        ScheduledFuture<?> timer;

        OutgoingStream(
                long id,
                ChunkSource source,
                CompletableFuture<Outcome<byte[]>> future,
                long start,
                Duration idleTimeout) {
            this.id = id;
            this.source = source;
            this.future = future;
            this.start = start;
            this.idleTimeout = idleTimeout;
        }

        long elapsed() {
            return System.nanoTime() - start;
        }

        void armTimer() {
            if (timer != null) {
                timer.cancel(false);
            }
            timer =
                    loop.schedule(
                            () -> {
                                if (outgoing.remove(id) == this) {
                                    abort("no progress for " + idleTimeout.toMillis() + " ms");
                                    finish(new Outcome.Timeout<>(elapsed()));
                                }
                            },
                            idleTimeout.toNanos(),
                            TimeUnit.NANOSECONDS);
        }

        void pump() {
            while (usable()
                    && !done
                    && !endSent
                    && !reading
                    && credit > 0
                    && channel.isWritable()) {
                reading = true;
                CompletionStage<ByteBuf> next =
                        invoke(
                                () ->
                                        source.next(
                                                channel.alloc(),
                                                (int) Math.min(streamChunkBytes, credit)));
                next.whenComplete((buf, error) -> runOnLoop(() -> onRead(buf, error)));
            }
        }

        private void onRead(ByteBuf buf, Throwable error) {
            reading = false;
            if (done) {
                ReferenceCountUtil.release(buf);
                return;
            }
            if (error != null) {
                outgoing.remove(id);
                abort("source failed: " + describe(error));
                finish(
                        new Outcome.Cancelled<>(
                                "local source failed: " + describe(error), elapsed()));
                return;
            }
            if (buf == null) {
                endSent = true;
                send(new Message.StreamEnd(id, sent, (int) crc.getValue()));
                return;
            }
            int n = buf.readableBytes();
            if (n == 0 || n > credit) {
                buf.release();
                outgoing.remove(id);
                String why = "source returned " + n + " bytes with " + credit + " bytes of credit";
                abort(why);
                finish(new Outcome.Cancelled<>(why, elapsed()));
                return;
            }
            for (ByteBuffer b : buf.nioBuffers()) {
                crc.update(b);
            }
            credit -= n;
            sent += n;
            send(new Message.StreamChunk(id, buf));
            pump();
        }

        void abort(String reason) {
            send(new Message.StreamAbort(id, reason));
        }

        void finish(Outcome<byte[]> outcome) {
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
            future.complete(outcome);
        }
    }

    // ---------------------------------------------------------------- incoming streams

    private void onStreamOpen(Message.StreamOpen open) {
        long id = open.correlationId();
        if (incoming.containsKey(id)) {
            guard.close(
                    channel,
                    CloseReason.PROTOCOL_VIOLATION,
                    "stream " + id + " opened twice",
                    true);
            return;
        }
        PeerHandlers.StreamHandler handler = handlers.streams(open.topic());
        if (handler == null) {
            reply(
                    Message.Reply.rejected(
                            id,
                            "no stream handler for topic '" + open.topic() + "' on " + localNode));
            return;
        }
        StreamReceiver receiver;
        try {
            receiver = handler.open(this, open.header());
        } catch (RuntimeException e) {
            reply(Message.Reply.rejected(id, describe(e)));
            return;
        }
        IncomingStream s = new IncomingStream(id, receiver);
        incoming.put(id, s);
        s.granted = streamWindowBytes;
        send(new Message.StreamCredit(id, streamWindowBytes));
    }

    private void onStreamChunk(Message.StreamChunk chunk) {
        IncomingStream s = incoming.get(chunk.correlationId());
        if (s == null) {
            // The stream was cancelled or failed here; chunks already in flight are dropped.
            chunk.release();
            return;
        }
        int n = chunk.content().readableBytes();
        String violation =
                s.end != null
                        ? "chunk after end"
                        : n == 0
                                ? "empty chunk"
                                : n > s.granted
                                        ? "chunk of "
                                                + n
                                                + " bytes exceeds the granted "
                                                + s.granted
                                        : null;
        if (violation != null) {
            chunk.release();
            guard.close(
                    channel,
                    CloseReason.PROTOCOL_VIOLATION,
                    "stream " + s.id + ": " + violation,
                    true);
            return;
        }
        s.granted -= n;
        s.total += n;
        for (ByteBuffer b : chunk.content().nioBuffers()) {
            s.crc.update(b);
        }
        s.queue.add(chunk);
        s.dispatch();
    }

    private void onStreamEnd(Message.StreamEnd end) {
        IncomingStream s = incoming.get(end.correlationId());
        if (s == null) {
            return;
        }
        int crc = (int) s.crc.getValue();
        if (end.totalBytes() != s.total || end.crc32c() != crc) {
            String why =
                    String.format(
                            "stream check failed: received %d bytes with CRC-32C %08x, sender sent"
                                    + " %d bytes with CRC-32C %08x",
                            s.total, crc, end.totalBytes(), end.crc32c());
            s.fail(why);
            reply(Message.Reply.rejected(s.id, why));
            return;
        }
        s.end = end;
        s.dispatch();
    }

    private void onStreamAbort(Message.StreamAbort abort) {
        IncomingStream s = incoming.get(abort.correlationId());
        if (s != null) {
            s.fail("sender aborted: " + abort.reason());
        }
    }

    private final class IncomingStream {
        final long id;
        final StreamReceiver receiver;
        final ArrayDeque<Message.StreamChunk> queue = new ArrayDeque<>();
        final CRC32C crc = new CRC32C();
        long granted;
        long total;
        int consumedNotGranted;
        boolean busy;
        Message.StreamEnd end;

        IncomingStream(long id, StreamReceiver receiver) {
            this.id = id;
            this.receiver = receiver;
        }

        void dispatch() {
            if (busy || incoming.get(id) != this) {
                return;
            }
            Message.StreamChunk chunk = queue.poll();
            if (chunk == null) {
                if (end != null) {
                    incoming.remove(id);
                    answer(id, invoke(() -> receiver.onEnd(total)));
                }
                return;
            }
            busy = true;
            int n = chunk.content().readableBytes();
            invoke(() -> receiver.onChunk(chunk.content()))
                    .whenComplete(
                            (v, error) ->
                                    runOnLoop(
                                            () -> {
                                                chunk.release();
                                                busy = false;
                                                if (error != null) {
                                                    cancel(describe(error));
                                                } else {
                                                    consumed(n);
                                                    dispatch();
                                                }
                                            }));
        }

        private void consumed(int n) {
            if (incoming.get(id) != this || end != null) {
                return;
            }
            consumedNotGranted += n;
            if (consumedNotGranted >= streamChunkBytes || queue.isEmpty()) {
                granted += consumedNotGranted;
                send(new Message.StreamCredit(id, consumedNotGranted));
                consumedNotGranted = 0;
            }
        }

        void cancel(String reason) {
            if (incoming.get(id) != this) {
                return;
            }
            fail(reason);
            send(new Message.StreamCancel(id, reason));
        }

        void fail(String reason) {
            incoming.remove(id);
            Message.StreamChunk c;
            while ((c = queue.poll()) != null) {
                c.release();
            }
            try {
                receiver.onAbort(reason);
            } catch (RuntimeException e) {
                log.error("{}: stream receiver failed on abort", guard.label(), e);
            }
        }
    }

    // ---------------------------------------------------------------- closing

    /** Called by the guard when the channel has closed: completes everything still pending. */
    void closed(CloseReason reason, String detail) {
        open = false;
        String why = reason.code() + ": " + detail;
        for (Pending<?> p : new ArrayList<>(requests.values())) {
            p.complete(ended(p.elapsed(), why));
        }
        requests.clear();
        for (TopicOut t : notificationsOut.values()) {
            for (Pending<Void> p : t.pending.values()) {
                p.complete(ended(p.elapsed(), why));
            }
            t.pending.clear();
        }
        for (OutgoingStream s : new ArrayList<>(outgoing.values())) {
            s.finish(ended(s.elapsed(), why));
        }
        outgoing.clear();
        for (IncomingStream s : new ArrayList<>(incoming.values())) {
            s.fail("connection closed: " + why);
        }
        incoming.clear();
    }

    private <T> Outcome<T> ended(long elapsed, String why) {
        return closingLocally
                ? new Outcome.Cancelled<>(why, elapsed)
                : new Outcome.ConnectionLoss<>(why, elapsed);
    }

    // ---------------------------------------------------------------- helpers

    private void runOnLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            try {
                loop.execute(r);
            } catch (RejectedExecutionException e) {
                log.debug("{}: event loop shut down, dropping a completion", guard.label());
            }
        }
    }

    /** Calls a handler, turning a synchronous throw or a null into a failed stage. */
    private static <T> CompletionStage<T> invoke(Supplier<CompletionStage<T>> handler) {
        try {
            CompletionStage<T> stage = handler.get();
            return stage != null
                    ? stage
                    : CompletableFuture.failedFuture(
                            new IllegalStateException("handler returned no stage"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String describe(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof RejectedException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return "handler failed: " + e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
