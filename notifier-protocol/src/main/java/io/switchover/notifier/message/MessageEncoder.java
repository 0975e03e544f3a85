package io.switchover.notifier.message;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link Message}s as frames. A stream chunk's data goes out as its own buffer after the
 * header, without a copy.
 */
@ChannelHandler.Sharable
public final class MessageEncoder extends MessageToMessageEncoder<Message> {
    public static final MessageEncoder INSTANCE = new MessageEncoder();

    private MessageEncoder() {
        super(Message.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, List<Object> out) {
        out.add(MessageCodec.encodeHeaderAndPayload(ctx.alloc(), msg));
        if (msg instanceof Message.StreamChunk chunk) {
            out.add(chunk.content().retain());
        }
    }
}
