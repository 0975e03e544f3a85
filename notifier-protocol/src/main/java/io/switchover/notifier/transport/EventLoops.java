package io.switchover.notifier.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Event loop groups and channel types for notifier endpoints: Linux epoll where the native library
 * loads (fewer system calls and lower wake-up latency than NIO, see docs/benchmarks.md), NIO
 * everywhere else. {@code -Dswitchover.notifier.nio=true} forces NIO.
 */
public final class EventLoops {
    private static final boolean EPOLL =
            !Boolean.getBoolean("switchover.notifier.nio") && Epoll.isAvailable();

    private EventLoops() {}

    /** A group of {@code threads} event loops whose threads are named after {@code name}. */
    public static EventLoopGroup create(String name, int threads) {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
    }

    /** The transport in use, for logs and benchmark output. */
    public static String transport() {
        return EPOLL ? "epoll" : "nio";
    }

    static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
