package io.github.proxycore.anytls.internal;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Relay;
import io.github.proxycore.outbound.SocksAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a server stream: reads the SOCKS destination from the stream's first bytes (and for
 * UDP-over-TCP the request after it), dials it through the server's router, answers SYNACK (error text, then FIN,
 * on failure), and relays. An address that does not parse ends the stream with FIN and no SYNACK, like the
 * reference. Bytes that follow the header go back to the stream's read queue, ahead of later data.
 */
final class ServerStreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ServerStreamHandler.class);

    private final ServerSession session;
    private ByteBuf cumulation;
    private Destination destination;
    private boolean dialing;

    ServerStreamHandler(ServerSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (dialing || !(msg instanceof ByteBuf in)) {
            // the stream stops reading while dialling; anything here is a straggler for the queue
            if (msg instanceof ByteBuf data && dialing) {
                cumulation = cumulate(ctx, data);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        cumulation = cumulate(ctx, in);
        try {
            parse(ctx);
        } catch (RuntimeException e) {
            log.debug("{}: bad stream header, closing the stream: {}", ctx.channel(), e.toString());
            release();
            ctx.close(); // FIN without SYNACK
        }
    }

    private ByteBuf cumulate(ChannelHandlerContext ctx, ByteBuf in) {
        return cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
    }

    private void parse(ChannelHandlerContext ctx) {
        if (destination == null) {
            destination = SocksAddress.decode(cumulation);
            if (destination == null) {
                return;
            }
        }
        StreamChannel stream = (StreamChannel) ctx.channel();
        Metadata.Builder metadata = Metadata.builder(Network.TCP, destination)
                .inboundTag(session.config().inboundTag())
                .external(true);
        if (session.channel().remoteAddress() instanceof InetSocketAddress source) {
            metadata.source(source);
        }
        if (UotAddress.isUot(destination)) {
            if (cumulation.readableBytes() < 1) {
                return;
            }
            int start = cumulation.readerIndex();
            boolean connect = cumulation.readByte() != 0;
            Destination target = SocksAddress.decode(cumulation);
            if (target == null) {
                cumulation.readerIndex(start);
                return;
            }
            startDial(
                    ctx,
                    stream,
                    session.config()
                            .router()
                            .listenPacket(metadata.network(Network.UDP)
                                    .destination(target)
                                    .build()),
                    connect ? target : null,
                    true);
        } else {
            startDial(ctx, stream, session.config().router().dial(metadata.build()), null, false);
        }
    }

    private void startDial(
            ChannelHandlerContext ctx, StreamChannel stream, Future<Channel> dial, Destination connected, boolean udp) {
        dialing = true;
        stream.config().setAutoRead(false);
        dial.addListener(f -> {
            if (ctx.executor().inEventLoop()) {
                dialed(ctx, stream, dial, connected, udp);
            } else {
                ctx.executor().execute(() -> dialed(ctx, stream, dial, connected, udp));
            }
        });
    }

    private void dialed(
            ChannelHandlerContext ctx, StreamChannel stream, Future<Channel> dial, Destination connected, boolean udp) {
        if (!dial.isSuccess()) {
            String error = dial.cause() == null
                    ? "dial failed"
                    : String.valueOf(dial.cause().getMessage());
            log.debug("{}: {}", stream, error);
            session.synAck(stream.streamId(), error);
            release();
            stream.close(); // FIN after the error SYNACK
            return;
        }
        Channel outbound = dial.getNow();
        if (!stream.isOpen()) {
            release();
            outbound.close();
            return;
        }
        session.synAck(stream.streamId(), null);
        if (udp) {
            ctx.pipeline().addLast("uot-decoder", new UotDecoder(connected));
            ctx.pipeline().addLast("uot-encoder", new UotEncoder(connected != null));
        }
        ByteBuf rest = cumulation;
        cumulation = null;
        ctx.pipeline().remove(this);
        if (rest != null && rest.isReadable()) {
            stream.unread(rest);
        } else if (rest != null) {
            rest.release();
        }
        Relay.bind(stream, outbound);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
