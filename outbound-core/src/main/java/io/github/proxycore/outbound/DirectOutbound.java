package io.github.proxycore.outbound;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.outbound.DirectOutboundOptions;
import io.github.proxycore.outbound.internal.DirectUdpCodec;
import io.github.proxycore.outbound.internal.Futures;
import io.github.proxycore.outbound.internal.PendingDials;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** The {@code direct} outbound: connects straight to the destination, TCP and UDP. */
public final class DirectOutbound implements Outbound {
    private final String tag;
    private final TcpDialer dialer;
    private final PendingDials pending;
    private final HostResolver resolver;
    private final DialOptions options;

    private DirectOutbound(String tag, TcpDialer dialer, HostResolver resolver, DialOptions options) {
        this.tag = Objects.requireNonNull(tag, "tag");
        this.dialer = dialer;
        this.pending = new PendingDials(tag, DirectOutboundOptions.TYPE);
        this.resolver = resolver;
        this.options = options;
    }

    /**
     * A direct outbound built from its options; the detour, if any, is taken from {@code context}.
     *
     * @param options the outbound's options
     * @param context the transport, resolver and other outbounds
     * @return the outbound
     */
    public static DirectOutbound create(DirectOutboundOptions options, OutboundContext context) {
        return create(options.tag(), options.dial(), context);
    }

    /**
     * A direct outbound with the given tag and dial options.
     *
     * @param tag its tag
     * @param dial how it connects; the detour, if any, is taken from {@code context}
     * @param context the transport, resolver and other outbounds
     * @return the outbound
     */
    public static DirectOutbound create(String tag, DialOptions dial, OutboundContext context) {
        DirectOutbound outbound = new DirectOutbound(tag, context.dialer(dial, null), context.resolver(), dial);
        outbound.pending.listener(
                context.listener(ConnectionListener.class, tag).orElse(ConnectionListener.NONE));
        return outbound;
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public String type() {
        return DirectOutboundOptions.TYPE;
    }

    @Override
    public Set<Network> networks() {
        return EnumSet.of(Network.TCP, Network.UDP);
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.TCP, destination);
        Promise<Channel> result = pending.newDial(destination);
        if (result.isDone()) {
            return result;
        }
        return Futures.relay(
                dialer.connect(destination, metadata), result, cause -> failure(destination, cause), Channel::close);
    }

    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.UDP, destination);
        if (dialer.detour() != null) {
            return dialer.detour().listenPacket(destination, metadata);
        }
        Promise<Channel> promise = pending.newDial(destination);
        if (promise.isDone()) {
            return promise;
        }
        EventLoop loop = dialer.transport().currentOrNext();
        InetSocketAddress local = dialer.localAddress(destination.isIpv6());
        ChannelFuture bound = new Bootstrap()
                .group(loop)
                .channel(dialer.transport().datagramChannelClass())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.RCVBUF_ALLOCATOR, Datagrams.RECEIVE_ALLOCATOR)
                .handler(new DirectUdpCodec(resolver, options.domainStrategy()))
                .bind(local == null ? new InetSocketAddress(0) : local);
        bound.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                if (!promise.trySuccess(f.channel())) {
                    f.channel().close();
                }
            } else {
                promise.tryFailure(failure(destination, f.cause()));
            }
        });
        return promise;
    }

    /** Fails the dials still in flight with "the outbound is closed"; later dials fail at once. */
    @Override
    public void close() {
        pending.close();
    }

    private DialException failure(Destination destination, Throwable cause) {
        return new DialException(tag, type(), destination, TcpDialer.describe(cause), cause);
    }

    @Override
    public String toString() {
        return "DirectOutbound[" + tag + "]";
    }
}
