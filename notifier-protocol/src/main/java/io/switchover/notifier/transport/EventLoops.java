package io.switchover.notifier.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Event loop groups for notifier endpoints. */
public final class EventLoops {
    private EventLoops() {}

    /** A group of {@code threads} NIO event loops whose threads are named after {@code name}. */
    public static EventLoopGroup create(String name, int threads) {
        return new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    }
}
