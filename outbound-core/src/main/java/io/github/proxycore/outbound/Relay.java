package io.github.proxycore.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins two channels so that what one reads, the other writes, until both are done.
 *
 * <ul>
 *   <li><b>Backpressure</b>: when a channel stops being writable, its peer stops reading, and resumes when it
 *       drains; a slow reader on one side never makes memory grow on the other.
 *   <li><b>Half-close</b>: when both channels are TCP sockets, an end of input on one shuts down the other's output
 *       once what was read is written, and the relay ends when both directions have; otherwise the end of either
 *       side closes the other after flushing.
 *   <li><b>Failures</b>: when one side is {@linkplain ConnectionCutException cut} (an AnyTLS session died under its
 *       stream), the other is {@linkplain #abort aborted}: a socket is reset, so that its peer sees the data end early
 *       rather than a clean end of stream. Any other failure (a reset by the destination) ends the other side after
 *       everything received, as the end of input does: a reset would make the kernel drop what it has not sent yet.
 * </ul>
 *
 * <pre>{@code
 * Relay.bind(clientChannel, outboundChannel).addListener(f -> log.debug("relay done"));
 * }</pre>
 */
public final class Relay {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    // process-wide byte counts for status pages: a LongAdder adds without a lock, and without allocating once its
    // cells exist, on the relay's hot path
    private static final LongAdder UPLOADED = new LongAdder();
    private static final LongAdder DOWNLOADED = new LongAdder();

    private Relay() {}

    /**
     * Starts relaying between {@code a} and {@code b} (both active, with no pending reads from the other); returns
     * a future that completes when both are closed. Reading is started on both.
     *
     * @param a the first channel, by convention the client's side (its bytes count as uploaded)
     * @param b the second channel, e.g. a dialled outbound channel
     * @return a future completed when both channels are closed
     */
    public static Future<Void> bind(Channel a, Channel b) {
        boolean halfClose = a instanceof DuplexChannel && b instanceof DuplexChannel;
        if (halfClose) {
            a.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            b.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        Promise<Void> done = ImmediateEventExecutor.INSTANCE.newPromise();
        // the two directions may run on two event loops: the count of ended inputs is theirs to share
        AtomicInteger inputsDone = halfClose ? new AtomicInteger() : null;
        Direction ab = new Direction(b, inputsDone, UPLOADED);
        Direction ba = new Direction(a, inputsDone, DOWNLOADED);
        a.pipeline().addLast("relay", ab);
        b.pipeline().addLast("relay", ba);
        a.closeFuture().addListener(f -> b.closeFuture().addListener(g -> done.trySuccess(null)));
        if (!a.isActive() || !b.isActive()) {
            closeOnFlush(a);
            closeOnFlush(b);
            return done;
        }
        a.config().setAutoRead(true);
        b.config().setAutoRead(true);
        return done;
    }

    /**
     * Bytes read from the first channel of every {@link #bind} in this JVM (the client's side by convention: what
     * clients uploaded) and relayed on, since the JVM started.
     *
     * @return the byte count
     */
    public static long uploadedBytes() {
        return UPLOADED.sum();
    }

    /** {@return the bytes read from the second channel of every {@link #bind} in this JVM (downloaded by clients)} */
    public static long downloadedBytes() {
        return DOWNLOADED.sum();
    }

    /**
     * Closes {@code channel} once everything written to it so far is flushed.
     *
     * @param channel the channel; closed at once if it is not active
     */
    public static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /**
     * Ends {@code channel} as cut short: what was written to it is flushed, then a TCP socket is closed with a reset
     * (RST, {@code SO_LINGER} 0) rather than a FIN, so that its peer cannot take a truncated stream for a whole one;
     * other channels are closed.
     *
     * @param channel the channel; closed at once if it is not active
     */
    public static void abort(Channel channel) {
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (channel instanceof SocketChannel && channel.isActive()) {
                try {
                    channel.config().setOption(ChannelOption.SO_LINGER, 0);
                } catch (ChannelException e) {
                    // closed meanwhile: a plain close is all that is left
                }
            }
            channel.close();
        });
    }

    /** Reads from the channel it is installed on and writes to {@code peer}. */
    private static final class Direction extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final AtomicInteger inputsDone; // null without half-close
        private final LongAdder bytes;

        Direction(Channel peer, AtomicInteger inputsDone, LongAdder bytes) {
            this.peer = peer;
            this.inputsDone = inputsDone;
            this.bytes = bytes;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                bytes.add(buf.readableBytes());
            } else if (msg instanceof ByteBufHolder holder) {
                bytes.add(holder.content().readableBytes());
            }
            if (peer.isActive()) {
                peer.write(msg, peer.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
                // the peer may run on another event loop and have drained between the check and the pause; its
                // writability event then found reading still on and did nothing, and no other event would come:
                // look once more now that the pause is visible to it
                if (peer.isWritable()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // this channel drained: let the peer, which feeds it, read again
            if (ctx.channel().isWritable()) {
                peer.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (inputsDone != null && event instanceof ChannelInputShutdownEvent) {
                if (inputsDone.incrementAndGet() == 2) {
                    closeOnFlush(peer);
                    ctx.close();
                } else {
                    peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ((DuplexChannel) peer).shutdownOutput());
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(peer);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("relay {} -> {} failed: {}", ctx.channel(), peer, cause.toString());
            ctx.close();
            if (cause instanceof ConnectionCutException) {
                abort(peer);
            } else {
                closeOnFlush(peer);
            }
        }
    }
}
