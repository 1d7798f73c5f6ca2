package io.github.proxycore.mixed;

import io.github.proxycore.outbound.Datagrams;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.UdpPacket;
import io.github.proxycore.outbound.sniff.QuicInitialSniffer;
import io.github.proxycore.outbound.sniff.SniffRequest;
import io.github.proxycore.outbound.sniff.SniffResult;
import io.github.proxycore.outbound.sniff.Sniffers;
import io.github.proxycore.outbound.sniff.SniffingReader;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SOCKS5 UDP ASSOCIATE: a UDP socket on the inbound's address for the client's datagrams, relayed through one
 * outbound UDP channel. As in sing-box, the association is routed once, by the destination of its first datagram;
 * later datagrams may go anywhere through the same outbound.
 *
 * <p>Only datagrams from the client's IP (the control connection's) are accepted. The association ends when the
 * control connection closes or after {@code udp_timeout} without traffic. Datagrams that arrive while the outbound
 * is being opened wait, a bounded number; UDP that cannot be sent at once is dropped rather than queued.
 *
 * <p>When routing asks for sniffing, the waiting datagrams are also shown to the QUIC sniffer before the association
 * is routed, until it finds a name, gives up, or the sniff timeout passes; they are sent on untouched.
 */
final class UdpAssociation {
    private static final Logger log = LoggerFactory.getLogger(UdpAssociation.class);
    static final int MAX_WAITING = 64;

    private final Channel control;
    private final MixedInbound inbound;
    private final InetAddress clientIp;
    private Channel socket;
    private volatile InetSocketAddress clientAddress;
    private Future<Channel> opening;
    private Channel outbound;
    private final ArrayDeque<UdpPacket> waiting = new ArrayDeque<>();
    private Metadata first; // the first datagram's, once it came
    private SniffRequest sniff;
    private QuicInitialSniffer sniffer; // while sniffing
    private ScheduledFuture<?> sniffTimeout;

    private UdpAssociation(Channel control, MixedInbound inbound) {
        this.control = control;
        this.inbound = inbound;
        this.clientIp = ((InetSocketAddress) control.remoteAddress()).getAddress();
    }

    /** Binds the association's socket and answers the UDP ASSOCIATE request on {@code ctx}. */
    static void start(ChannelHandlerContext ctx, MixedInbound inbound) {
        UdpAssociation association = new UdpAssociation(ctx.channel(), inbound);
        InetAddress local = ((InetSocketAddress) ctx.channel().localAddress()).getAddress();
        long idleSeconds = Math.max(1, inbound.options().listen().udpTimeout().toSeconds());
        ChannelFuture bound = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(inbound.transport().datagramChannelClass())
                .option(ChannelOption.RCVBUF_ALLOCATOR, Datagrams.RECEIVE_ALLOCATOR)
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS));
                        ch.pipeline().addLast(association.new FromClient());
                    }
                })
                .bind(new InetSocketAddress(local, 0));
        bound.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                Socks5Handler.fail(ctx, Socks5CommandStatus.FAILURE);
                return;
            }
            association.socket = f.channel();
            Channel control = ctx.channel();
            control.writeAndFlush(
                    Socks5Handler.success((InetSocketAddress) f.channel().localAddress()));
            // the control connection now only keeps the association alive
            OutboundConnector.removeAllBut(control.pipeline(), null);
            control.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    ReferenceCountUtil.release(msg);
                }
            });
            control.closeFuture().addListener(x -> association.close());
            f.channel().closeFuture().addListener(x -> association.close());
            log.debug(
                    "{} udp association for {} on {}",
                    inbound.tag(),
                    control.remoteAddress(),
                    f.channel().localAddress());
        });
    }

    /** Ends the association; state lives on the control connection's event loop. */
    private void close() {
        if (!control.eventLoop().inEventLoop()) {
            control.eventLoop().execute(this::close);
            return;
        }
        control.close();
        if (socket != null) {
            socket.close();
        }
        if (opening != null) {
            opening.cancel(false);
        }
        if (sniffTimeout != null) {
            sniffTimeout.cancel(false);
        }
        sniffer = null;
        if (outbound != null) {
            outbound.close();
        }
        while (!waiting.isEmpty()) {
            waiting.poll().release();
        }
    }

    /** Datagrams from the client: strip the SOCKS header, send on through the outbound. */
    private final class FromClient extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!packet.sender().getAddress().equals(clientIp)) {
                return; // not our client: dropped
            }
            clientAddress = packet.sender();
            ByteBuf datagram = packet.content();
            Destination destination = Socks5UdpHeader.read(datagram);
            if (destination == null) {
                return;
            }
            UdpPacket out = new UdpPacket(Datagrams.retainedCompact(datagram), destination);
            if (outbound != null) {
                send(out);
            } else if (waiting.size() < MAX_WAITING) {
                waiting.add(out);
                if (first == null) {
                    start(ctx, destination);
                }
                if (sniffer != null) {
                    SniffResult result = sniffer.offer(out.content());
                    if (!result.needsMore() || waiting.size() == MAX_WAITING) {
                        sniffed(result.domain());
                    }
                }
            } else {
                out.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                log.debug("{} udp association for {} idle, closing", inbound.tag(), control.remoteAddress());
                close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} udp association error: {}", inbound.tag(), cause.toString());
        }
    }

    /** Routes the association now, or first sniffs it if routing asks for that (and for {@code quic}). */
    private void start(ChannelHandlerContext ctx, Destination destination) {
        first = inbound.metadata(control, Network.UDP, destination);
        sniff = inbound.router().sniffRequest(first);
        sniffer = sniff == null ? null : Sniffers.packetSniffer(sniff.sniffers());
        if (sniffer == null) {
            open(first);
            return;
        }
        sniffTimeout =
                ctx.executor().schedule(() -> sniffed(null), sniff.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sniffing ended, with {@code domain} or without a name: route by what it found. */
    private void sniffed(String domain) {
        if (sniffer == null) {
            return; // ended already, or the association closed
        }
        sniffer = null;
        sniffTimeout.cancel(false);
        if (domain != null) {
            log.debug("{} udp {} sniffed {}", inbound.tag(), first.source(), domain);
        }
        open(SniffingReader.apply(first, domain, sniff));
    }

    private void open(Metadata metadata) {
        opening = inbound.router().listenPacket(metadata);
        opening.addListener(f -> socket.eventLoop().execute(() -> opened(metadata)));
    }

    private void opened(Metadata metadata) {
        if (!opening.isSuccess()) {
            if (!opening.isCancelled()) {
                log.info(
                        "{} udp {} -> {} failed: {}",
                        inbound.tag(),
                        metadata.source(),
                        metadata.destination(),
                        opening.cause().getMessage());
            }
            close();
            return;
        }
        outbound = opening.getNow();
        if (!socket.isActive()) {
            close();
            return;
        }
        outbound.pipeline().addLast(new ToClient());
        outbound.closeFuture().addListener(x -> close());
        outbound.config().setAutoRead(true);
        while (!waiting.isEmpty()) {
            send(waiting.poll());
        }
    }

    private void send(UdpPacket packet) {
        if (outbound.isWritable()) {
            outbound.writeAndFlush(packet, outbound.voidPromise());
        } else {
            packet.release(); // UDP: dropped, not queued
        }
    }

    /** Datagrams from the outbound: prefix the SOCKS header naming the sender, send to the client. */
    private final class ToClient extends SimpleChannelInboundHandler<UdpPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, UdpPacket packet) {
            InetSocketAddress client = clientAddress;
            if (client == null || !socket.isWritable()) {
                return;
            }
            ByteBuf header = ctx.alloc().buffer(Socks5UdpHeader.length(packet.address()));
            Socks5UdpHeader.write(packet.address(), header);
            CompositeByteBuf datagram = ctx.alloc().compositeBuffer(2);
            datagram.addComponents(true, header, packet.content().retain());
            socket.writeAndFlush(new DatagramPacket(datagram, client), socket.voidPromise());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} udp association outbound error: {}", inbound.tag(), cause.toString());
        }
    }
}
