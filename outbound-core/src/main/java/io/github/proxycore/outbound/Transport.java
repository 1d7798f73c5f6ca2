package io.github.proxycore.outbound;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;

/**
 * The event loops everything runs on, and the channel classes that go with them: native epoll when the host has put
 * Netty's native epoll jar on the class path and it loads, NIO otherwise (or when the system property
 * {@code proxycore.transport} is {@code nio}).
 *
 * <p>A host that already runs Netty passes its own group with {@link #of(EventLoopGroup)}; otherwise
 * {@link #shared()} gives a lease on one process-wide group, started on first use and shut down when the last lease
 * is closed.
 */
public final class Transport implements AutoCloseable {
    private static final Object SHARED_LOCK = new Object();
    private static EventLoopGroup sharedGroup;
    private static int sharedLeases;

    private final EventLoopGroup group;
    private final boolean epoll;
    private final Ownership ownership;
    private boolean closed;

    private enum Ownership {
        OWNED,
        SHARED_LEASE,
        HOST
    }

    private Transport(EventLoopGroup group, boolean epoll, Ownership ownership) {
        this.group = group;
        this.epoll = epoll;
        this.ownership = ownership;
    }

    /** {@return whether native epoll is usable here (and not disabled by {@code -Dproxycore.transport=nio})} */
    public static boolean epollAvailable() {
        if ("nio".equalsIgnoreCase(System.getProperty("proxycore.transport"))) {
            return false;
        }
        try {
            return Epoll.isAvailable();
        } catch (Throwable e) { // the classes load, but the native part may be missing or broken
            return false;
        }
    }

    /**
     * A new group of {@code threads} event loops, closed with this transport.
     *
     * @param threads the number of event loops; 0 for Netty's default (twice the processors)
     * @return the transport
     */
    public static Transport create(int threads) {
        boolean epoll = epollAvailable();
        return new Transport(newGroup(threads, epoll), epoll, Ownership.OWNED);
    }

    /** {@return a lease on the process-wide default group; closing the last lease shuts the group down} */
    public static Transport shared() {
        synchronized (SHARED_LOCK) {
            if (sharedGroup == null) {
                sharedGroup = newGroup(0, epollAvailable());
            }
            sharedLeases++;
            return new Transport(sharedGroup, isEpoll(sharedGroup), Ownership.SHARED_LEASE);
        }
    }

    /**
     * The host's own group; closing this transport leaves it running.
     *
     * @param group the group, epoll or NIO
     * @return the transport
     */
    public static Transport of(EventLoopGroup group) {
        Objects.requireNonNull(group, "group");
        return new Transport(group, isEpoll(group), Ownership.HOST);
    }

    private static EventLoopGroup newGroup(int threads, boolean epoll) {
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("proxycore", true);
        return new MultiThreadIoEventLoopGroup(
                threads, threadFactory, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private static boolean isEpoll(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup io && epollAvailable() && io.isIoType(EpollIoHandler.class);
    }

    /** {@return the event loops} */
    public EventLoopGroup group() {
        return group;
    }

    /** {@return whether the channels are native epoll ones} */
    public boolean isEpoll() {
        return epoll;
    }

    /**
     * The socket options that set TCP keep-alive's idle time before the first probe and the interval between probes
     * on this transport's channels (whole seconds, at least 1). Keep-alive itself is {@code SO_KEEPALIVE}.
     *
     * @param idle the idle time before the first probe
     * @param interval the time between probes
     * @return the options and their values, for a bootstrap's {@code option} or {@code childOption}
     */
    public Map<ChannelOption<Integer>, Integer> keepAliveOptions(Duration idle, Duration interval) {
        int idleSeconds = (int) Math.max(1, idle.toSeconds());
        int intervalSeconds = (int) Math.max(1, interval.toSeconds());
        return epoll
                ? Map.of(
                        EpollChannelOption.TCP_KEEPIDLE, idleSeconds, EpollChannelOption.TCP_KEEPINTVL, intervalSeconds)
                : Map.of(
                        NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE),
                        idleSeconds,
                        NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL),
                        intervalSeconds);
    }

    /** {@return the TCP channel class of this transport, epoll or NIO} */
    public Class<? extends SocketChannel> socketChannelClass() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** {@return the TCP server channel class of this transport, epoll or NIO} */
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** {@return the UDP channel class of this transport, epoll or NIO} */
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /**
     * The event loop the caller runs on if it is one of this group's, else the next one: channels made from an
     * event loop stay on it, so a relay between them never crosses threads.
     *
     * @return the event loop
     */
    public EventLoop currentOrNext() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return (EventLoop) executor;
            }
        }
        return group.next();
    }

    /** Shuts the group down if this transport started it (or was the last lease on the shared one). */
    @Override
    public void close() {
        EventLoopGroup toShutDown = null;
        synchronized (SHARED_LOCK) {
            if (closed) {
                return;
            }
            closed = true;
            if (ownership == Ownership.OWNED) {
                toShutDown = group;
            } else if (ownership == Ownership.SHARED_LEASE && --sharedLeases == 0) {
                toShutDown = sharedGroup;
                sharedGroup = null;
            }
        }
        if (toShutDown != null) {
            toShutDown.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "Transport[" + (epoll ? "epoll" : "nio") + ", "
                + ownership.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
