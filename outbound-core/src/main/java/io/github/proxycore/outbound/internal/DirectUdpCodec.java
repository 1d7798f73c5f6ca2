package io.github.proxycore.outbound.internal;

import io.github.proxycore.config.DomainStrategy;
import io.github.proxycore.outbound.Datagrams;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.HostResolver;
import io.github.proxycore.outbound.UdpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Translates between {@link UdpPacket}s (what outbound UDP channels carry) and the socket's
 * {@link DatagramPacket}s. Packets to a domain wait for its resolution, in order, a bounded number per domain;
 * resolved names are remembered for the life of the association.
 */
public final class DirectUdpCodec extends ChannelDuplexHandler {
    /** UDP may drop; a burst to a name still resolving is cut here rather than buffered without bound. */
    static final int MAX_PENDING_PER_DOMAIN = 64;

    private final HostResolver resolver;
    private final DomainStrategy strategy;
    private final Map<String, InetAddress> resolved = new HashMap<>();
    private final Map<String, ArrayDeque<Pending>> resolving = new HashMap<>();

    private record Pending(UdpPacket packet, ChannelPromise promise) {}

    public DirectUdpCodec(HostResolver resolver, DomainStrategy strategy) {
        this.resolver = resolver;
        this.strategy = strategy;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            ByteBuf content = Datagrams.retainedCompact(packet.content());
            packet.release();
            ctx.fireChannelRead(new UdpPacket(content, Destination.of(packet.sender())));
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof UdpPacket packet)) {
            ctx.write(msg, promise);
            return;
        }
        Destination to = packet.address();
        if (!to.isDomain()) {
            ctx.write(new DatagramPacket(packet.content(), new InetSocketAddress(to.address(), to.port())), promise);
            return;
        }
        InetAddress address = resolved.get(to.domain());
        if (address != null) {
            ctx.write(new DatagramPacket(packet.content(), new InetSocketAddress(address, to.port())), promise);
            return;
        }
        ArrayDeque<Pending> queue = resolving.get(to.domain());
        if (queue == null) {
            queue = new ArrayDeque<>();
            resolving.put(to.domain(), queue);
            startResolving(ctx, to.domain());
        }
        if (queue.size() >= MAX_PENDING_PER_DOMAIN) {
            ReferenceCountUtil.release(packet);
            promise.tryFailure(
                    new PortUnreachableException("too many packets waiting for " + to.domain() + " to resolve"));
            return;
        }
        queue.add(new Pending(packet, promise));
    }

    private void startResolving(ChannelHandlerContext ctx, String domain) {
        resolver.resolve(domain)
                .whenComplete((addresses, error) -> ctx.executor().execute(() -> {
                    ArrayDeque<Pending> queue = resolving.remove(domain);
                    if (queue == null) {
                        return; // the channel closed meanwhile and released everything
                    }
                    InetAddress address = null;
                    Throwable failure = error == null ? null : Futures.unwrap(error);
                    if (failure == null) {
                        try {
                            address = HostResolver.order(domain, addresses, strategy)
                                    .get(0);
                            resolved.put(domain, address);
                        } catch (java.net.UnknownHostException e) {
                            failure = e;
                        }
                    }
                    for (Pending pending : queue) {
                        if (address == null || !ctx.channel().isActive()) {
                            ReferenceCountUtil.release(pending.packet());
                            pending.promise()
                                    .tryFailure(
                                            failure != null ? failure : new java.nio.channels.ClosedChannelException());
                        } else {
                            ctx.write(
                                    new DatagramPacket(
                                            pending.packet().content(),
                                            new InetSocketAddress(
                                                    address,
                                                    pending.packet().address().port())),
                                    pending.promise());
                        }
                    }
                    ctx.flush();
                }));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (ArrayDeque<Pending> queue : resolving.values()) {
            for (Pending pending : queue) {
                ReferenceCountUtil.release(pending.packet());
                pending.promise().tryFailure(new java.nio.channels.ClosedChannelException());
            }
        }
        resolving.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
