package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.internal.wire.UotAddress;
import io.github.proxycore.anytls.internal.wire.UotDecoder;
import io.github.proxycore.anytls.internal.wire.UotEncoder;
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
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a server stream: reads the SOCKS destination from the stream's first bytes (and for
 * UDP-over-TCP the request after it), dials it through the server's router, answers SYNACK (error text, then FIN,
 * on failure), and relays. An address that does not parse ends the stream with FIN and no SYNACK, like
 * anytls-go. Bytes that follow the header go back to the stream's read queue, ahead of later data.
 *
 * <p>Bounded: the address must be complete within {@link ServerConfig#streamAddressTimeout()} (else FIN, as for a
 * bad address) and the dial within {@link ServerConfig#streamDialTimeout()} (else a timeout SYNACK and FIN); the
 * header bytes held meanwhile count against the session's memory budget.
 */
final class ServerStreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ServerStreamHandler.class);

    private final ServerSession session;
    private ByteBuf cumulation;
    private Destination destination;
    /** What is dialled: the destination, or for UDP-over-TCP the target after it. */
    private Destination dialTarget;

    private boolean dialing;
    /** The address deadline, then the dial deadline. */
    private ScheduledFuture<?> deadline;
    /** Bytes of {@link #cumulation} counted against the session's budget. */
    private int held;

    ServerStreamHandler(ServerSession session) {
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor()
                .schedule(
                        () -> {
                            if (destination == null && ctx.channel().isOpen()) {
                                log.debug("{}: no destination address in time, closing the stream", ctx.channel());
                                release();
                                ctx.close(); // FIN without SYNACK, as for an address that does not parse
                            }
                        },
                        session.config().streamAddressTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
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
        // a first slice of a few bytes may pin a whole record: keep only what is held, and count it
        ByteBuf out = cumulation == null
                ? StreamChannel.compact(ctx.alloc(), in)
                : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        cumulation = out;
        recount();
        return out;
    }

    /** Brings the session's count of held bytes in line with {@link #cumulation}. */
    private void recount() {
        int now = cumulation == null ? 0 : cumulation.readableBytes();
        if (now != held) {
            session.held(now - held);
            held = now;
        }
    }

    private void parse(ChannelHandlerContext ctx) {
        if (destination == null) {
            destination = SocksAddress.decode(cumulation);
            if (destination == null) {
                return;
            }
            recount();
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
            dialTarget = target;
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
            dialTarget = destination;
            startDial(ctx, stream, session.config().router().dial(metadata.build()), null, false);
        }
    }

    private void startDial(
            ChannelHandlerContext ctx, StreamChannel stream, Future<Channel> dial, Destination connected, boolean udp) {
        dialing = true;
        stream.config().setAutoRead(false);
        cancelDeadline();
        deadline = ctx.executor()
                .schedule(
                        () -> {
                            if (stream.isOpen() && !dial.isDone()) {
                                log.debug("{}: dial not done in time, failing the stream", stream);
                                session.synAck(stream.streamId(), DialErrors.timeout(dialTarget));
                                release();
                                stream.close();
                                dial.cancel(false); // if it still completes, dialed() closes the connection
                            }
                        },
                        session.config().streamDialTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
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
        cancelDeadline();
        if (!stream.isOpen()) {
            // closed meanwhile (the dial deadline, a FIN, the session): nothing to answer
            release();
            if (dial.isSuccess()) {
                dial.getNow().close();
            }
            return;
        }
        if (!dial.isSuccess()) {
            // the details stay in the server's log; the client learns only what kind of failure it was
            log.debug("{}: dial failed: {}", stream, String.valueOf(dial.cause()));
            session.synAck(stream.streamId(), DialErrors.text(dialTarget, dial.cause()));
            release();
            stream.close(); // FIN after the error SYNACK
            return;
        }
        Channel outbound = dial.getNow();
        session.synAck(stream.streamId(), null);
        if (udp) {
            ctx.pipeline().addLast("uot-decoder", new UotDecoder(connected));
            ctx.pipeline().addLast("uot-encoder", new UotEncoder(connected != null));
        }
        ByteBuf rest = cumulation;
        cumulation = null;
        recount(); // the stream's queue counts it from here
        ctx.pipeline().remove(this);
        if (rest != null && rest.isReadable()) {
            stream.unread(rest);
        } else if (rest != null) {
            rest.release();
        }
        Relay.bind(stream, outbound);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (AbstractSession.isOutOfMemory(cause)) {
            session.outOfMemory(cause); // this session's allocations failed: it goes, not someone else's
        } else {
            log.debug("{}: stream failed: {}", ctx.channel(), cause.toString());
            release();
            ctx.close();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        release();
        ctx.fireChannelInactive();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        recount();
    }
}
