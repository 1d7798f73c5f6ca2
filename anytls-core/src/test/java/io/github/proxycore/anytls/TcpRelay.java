package io.github.proxycore.anytls;

import io.github.proxycore.outbound.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of a server, for fault injection: it counts connections, and can turn the
 * connections it has into black holes (bytes are swallowed, nothing is closed) or make them reset on the client's
 * next bytes. Connections accepted later forward normally.
 */
final class TcpRelay implements AutoCloseable {
    private final Channel listener;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean refuseNew;

    private TcpRelay(Transport transport, InetSocketAddress target) {
        this.listener = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverSocketChannelClass())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel client) {
                        accepted.incrementAndGet();
                        if (refuseNew) {
                            client.close(); // the server is unreachable for new connections
                            return;
                        }
                        Link link = new Link();
                        links.add(link);
                        link.client = client;
                        new Bootstrap()
                                .group(client.eventLoop())
                                .channel(transport.socketChannelClass())
                                .handler(new Forward(link, false))
                                .connect(target)
                                .addListener((ChannelFutureListener) f -> {
                                    if (!f.isSuccess()) {
                                        client.close();
                                        return;
                                    }
                                    link.server = f.channel();
                                    client.pipeline().addLast(new Forward(link, true));
                                    client.config().setAutoRead(true);
                                });
                    }
                })
                .bind(Loopback.loopback(0))
                .syncUninterruptibly()
                .channel();
    }

    static TcpRelay start(Transport transport, InetSocketAddress target) {
        return new TcpRelay(transport, target);
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Whether the connection accepted {@code index}-th (from 0) is still open on the client's side. */
    boolean clientOpen(int index) {
        return links.get(index).client.isActive();
    }

    /** Connections still open on the client's side. */
    int openClients() {
        return (int) links.stream().filter(l -> l.client.isActive()).count();
    }

    /** The client addresses of the connections, in the order they were accepted. */
    List<InetSocketAddress> clients() {
        return links.stream()
                .map(l -> (InetSocketAddress) l.client.remoteAddress())
                .toList();
    }

    /** Reads of server bytes, over all connections: each is a sign the server said something. */
    int serverReads() {
        return links.stream().mapToInt(l -> l.serverReads.get()).sum();
    }

    /** Connections accepted from now on are closed at once; those already open keep forwarding. */
    void refuseNew() {
        refuseNew = true;
    }

    /** The current connections stop forwarding in both directions, without closing. */
    void blackHoleExisting() {
        links.forEach(l -> l.blackHole = true);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        for (Link link : links) {
            if (link.client != null) {
                link.client.close();
            }
            if (link.server != null) {
                link.server.close();
            }
        }
    }

    private static final class Link {
        volatile Channel client;
        volatile Channel server;
        volatile boolean blackHole;
        final AtomicInteger serverReads = new AtomicInteger();
    }

    private static final class Forward extends ChannelInboundHandlerAdapter {
        private final Link link;
        private final boolean fromClient;

        Forward(Link link, boolean fromClient) {
            this.link = link;
            this.fromClient = fromClient;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!fromClient) {
                link.serverReads.incrementAndGet();
            }
            Channel peer = fromClient ? link.server : link.client;
            if (link.blackHole || peer == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            peer.writeAndFlush((ByteBuf) msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channel peer = fromClient ? link.server : link.client;
            if (peer != null && !link.blackHole) {
                peer.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
