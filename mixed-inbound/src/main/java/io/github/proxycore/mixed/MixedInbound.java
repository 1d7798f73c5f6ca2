package io.github.proxycore.mixed;

import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.inbound.MixedInboundOptions;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.inbound.Inbound;
import io.github.proxycore.outbound.inbound.InboundContext;
import io.github.proxycore.outbound.sniff.SniffRequest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mixed} inbound: SOCKS4/4a, SOCKS5 (CONNECT and UDP ASSOCIATE, optional username/password) and HTTP
 * proxy (CONNECT and absolute-URI requests, optional Basic authentication) on one port. Every connection is routed
 * through the {@link ConnectionRouter} with {@link Metadata} naming its source, destination and this inbound's tag.
 */
public final class MixedInbound implements Inbound {
    private static final Logger log = LoggerFactory.getLogger(MixedInbound.class);

    private final MixedInboundOptions options;
    private final InboundContext context;
    private final Credentials credentials;
    private final AuthFailures authFailures;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel server;
    /** Connections accepted and not past their handshake; child channels live on several event loops. */
    private final AtomicInteger handshaking = new AtomicInteger();

    private MixedInbound(MixedInboundOptions options, InboundContext context) {
        this.options = options;
        this.context = context;
        this.credentials = new Credentials(options.users());
        this.authFailures = new AuthFailures(options.tag());
    }

    /**
     * Binds and starts listening; blocks until bound.
     *
     * @param options the inbound's options (listen address and port, users, handshake bounds)
     * @param context the transport, router and other services the inbound uses
     * @return the inbound, listening; {@link #close()} stops it
     * @throws InterruptedException if interrupted while waiting for the bind
     */
    public static MixedInbound start(MixedInboundOptions options, InboundContext context) throws InterruptedException {
        MixedInbound inbound = new MixedInbound(options, context);
        inbound.bind();
        return inbound;
    }

    private void bind() throws InterruptedException {
        ListenOptions listen = options.listen();
        Transport transport = context.transport();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverSocketChannelClass())
                // always, as Go's listeners do: a restart must not wait out the TIME_WAITs of closed connections
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, !listen.disableTcpKeepAlive())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted(ch);
                    }
                });
        if (!listen.disableTcpKeepAlive()) {
            transport
                    .keepAliveOptions(listen.tcpKeepAlive(), listen.tcpKeepAliveInterval())
                    .forEach(bootstrap::childOption);
        }
        server = bootstrap
                .bind(new InetSocketAddress(Destination.of(listen.listen(), 0).address(), listen.listenPort()))
                .sync()
                .channel();
    }

    /**
     * Sets up a connection this listener accepted: closed at once over the handshake cap, else the protocol
     * detector and the handshake guard. Package-private for the handshake fuzz target, which feeds it channels of
     * its own.
     */
    void accepted(Channel ch) {
        if (handshaking.incrementAndGet() > options.maxHandshakes()) {
            // closing at once gives the descriptor back: under a flood of connections that never finish their
            // request, the ones already in their handshake are served or time out
            handshaking.decrementAndGet();
            log.debug(
                    "{}: {} connections already in their handshake, closing",
                    ch.remoteAddress(),
                    options.maxHandshakes());
            ch.close();
            return;
        }
        connections.add(ch);
        ch.pipeline().addLast("detector", new ProtocolDetector(this));
        ch.pipeline().addLast("guard", new HandshakeGuard(options.handshakeTimeout(), handshaking::decrementAndGet));
    }

    /** Connections accepted and still in their handshake. */
    int handshaking() {
        return handshaking.get();
    }

    @Override
    public String tag() {
        return options.tag();
    }

    @Override
    public String type() {
        return MixedInboundOptions.TYPE;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    MixedInboundOptions options() {
        return options;
    }

    Transport transport() {
        return context.transport();
    }

    ConnectionRouter router() {
        ListenOptions listen = options.listen();
        if (!listen.sniff()) {
            return context.router();
        }
        // sing-box's legacy inbound fields: sniff every connection, as a leading sniff rule would
        return ConnectionRouter.sniffingAll(
                context.router(),
                new SniffRequest(List.of(), listen.sniffTimeout(), listen.sniffOverrideDestination()));
    }

    /** Where refused authentications are logged (rate-limited). */
    AuthFailures authFailures() {
        return authFailures;
    }

    Credentials credentials() {
        return credentials;
    }

    /** The metadata of a connection accepted on {@code client}. */
    Metadata metadata(Channel client, Network network, Destination destination) {
        return Metadata.builder(network, destination)
                .source((InetSocketAddress) client.remoteAddress())
                .inboundTag(options.tag())
                .external(true)
                .build();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "mixed inbound \"" + tag() + "\" on " + localAddress();
    }
}
