package io.switchover.notifier.message;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.switchover.notifier.frame.Frame;
import java.util.List;

/** Turns {@link Frame}s into {@link Message}s; second stage after the frame decoder. */
@ChannelHandler.Sharable
public final class MessageDecoder extends MessageToMessageDecoder<Frame> {
    public static final MessageDecoder INSTANCE = new MessageDecoder();

    private MessageDecoder() {
        super(Frame.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        // Frame is not reference counted itself; decode() releases its payload.
        out.add(MessageCodec.decode(frame));
    }
}
