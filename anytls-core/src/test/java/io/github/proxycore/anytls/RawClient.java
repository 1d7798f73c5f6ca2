package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.Passwords;
import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.FrameDecoder;
import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.SocksAddress;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.Conditions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A TLS client that writes exactly the plaintext records a test gives it (each write its own TLS record) and
 * records what the server sends back, parsed as frames.
 */
final class RawClient implements AutoCloseable {
    private static final SslContext TLS;

    static {
        try {
            TLS = SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (javax.net.ssl.SSLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A received frame; text is the data as ISO-8859-1. */
    record Frame(int command, int streamId, String text) {
        @Override
        public String toString() {
            return Command.name(command) + " " + streamId + (text.isEmpty() ? "" : " \"" + text + "\"");
        }
    }

    private final Channel channel;
    private final ByteBuf received = Unpooled.buffer();

    private RawClient(Channel channel) {
        this.channel = channel;
    }

    static RawClient connect(Transport transport, InetSocketAddress server) throws Exception {
        RawClient[] self = new RawClient[1];
        Channel channel = new Bootstrap()
                .group(transport.group())
                .channel(transport.socketChannelClass())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = TLS.newHandler(ch.alloc(), "localhost", server.getPort());
                        ch.pipeline().addLast("hold", new Holdback());
                        ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf buf = (ByteBuf) msg;
                                synchronized (self) {
                                    self[0].received.writeBytes(buf);
                                }
                                buf.release();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                })
                .connect(server)
                .syncUninterruptibly()
                .channel();
        RawClient client = new RawClient(channel);
        synchronized (self) {
            self[0] = client;
        }
        channel.pipeline().get(SslHandler.class).handshakeFuture().get(10, TimeUnit.SECONDS);
        return client;
    }

    /**
     * Writes each argument as its own TLS record. Once the server has closed the connection the rest are not sent
     * (a server that rejects the first record may close before the second is written; its close_notify may even
     * have closed the TLS engine while the socket is still open): what the server did is for the test to assert.
     */
    RawClient send(ByteBuf... records) {
        for (int i = 0; i < records.length; i++) {
            ChannelFuture write = channel.writeAndFlush(records[i]).awaitUninterruptibly();
            if (!write.isSuccess()) {
                if (channel.isOpen() && !(write.cause() instanceof io.netty.handler.ssl.SslClosedEngineException)) {
                    throw new IllegalStateException("write failed", write.cause());
                }
                for (int rest = i + 1; rest < records.length; rest++) {
                    records[rest].release();
                }
                break;
            }
        }
        return this;
    }

    /**
     * Writes each argument as its own TLS record, but hands all the records to TCP in one write, so that the server
     * reads them together.
     */
    RawClient sendTogether(ByteBuf... records) throws Exception {
        Holdback hold = (Holdback) channel.pipeline().get("hold");
        channel.eventLoop()
                .submit(() -> {
                    hold.holding = true;
                    for (ByteBuf record : records) {
                        channel.writeAndFlush(record);
                    }
                    hold.release();
                })
                .get(10, TimeUnit.SECONDS);
        return this;
    }

    /** Holds the encrypted records back while {@code holding}, then writes them with one flush. */
    static final class Holdback extends io.netty.channel.ChannelOutboundHandlerAdapter {
        private final List<Object> held = new ArrayList<>();
        private final List<io.netty.channel.ChannelPromise> promises = new ArrayList<>();
        private ChannelHandlerContext ctx;
        boolean holding;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
            if (holding) {
                held.add(msg);
                promises.add(promise);
            } else {
                ctx.write(msg, promise);
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!holding) {
                ctx.flush();
            }
        }

        void release() {
            holding = false;
            ByteBuf all = ctx.alloc().buffer();
            for (Object msg : held) {
                all.writeBytes((ByteBuf) msg);
                ((ByteBuf) msg).release();
            }
            held.clear();
            ctx.writeAndFlush(all).addListener(f -> {
                for (io.netty.channel.ChannelPromise p : promises) {
                    p.trySuccess();
                }
                promises.clear();
            });
        }
    }

    static ByteBuf preamble(String password, int padding) {
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(Passwords.sha256(password));
        out.writeShort(padding);
        out.writeZero(padding);
        return out;
    }

    static ByteBuf settings(String text) {
        ByteBuf out = Unpooled.buffer();
        Frames.writeText(out, Command.SETTINGS, 0, text);
        return out;
    }

    static String v2Settings() {
        return "v=2\nclient=raw/1\npadding-md5=" + PaddingScheme.DEFAULT.md5();
    }

    static ByteBuf frame(int command, int id) {
        ByteBuf out = Unpooled.buffer();
        Frames.writeEmpty(out, command, id);
        return out;
    }

    static ByteBuf psh(int id, byte[] data) {
        ByteBuf out = Unpooled.buffer();
        Frames.writeFrame(out, Command.PSH, id, data);
        return out;
    }

    static ByteBuf open(int id, Destination destination) {
        ByteBuf out = Unpooled.buffer();
        Frames.writeEmpty(out, Command.SYN, id);
        Frames.writeHeader(out, Command.PSH, id, SocksAddress.encodedLength(destination));
        SocksAddress.encode(destination, out);
        return out;
    }

    static ByteBuf concat(ByteBuf... parts) {
        return Unpooled.wrappedBuffer(parts);
    }

    /** The frames received so far. */
    List<Frame> frames() {
        synchronized (this) {
            List<Frame> out = new ArrayList<>();
            ByteBuf copy = received.duplicate();
            FrameDecoder.decode(copy, (command, id, data) -> {
                out.add(new Frame(command, id, data.toString(StandardCharsets.ISO_8859_1)));
                data.release();
                return true;
            });
            return out;
        }
    }

    String receivedText() {
        synchronized (this) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Waits (bounded) until the received frames satisfy {@code condition}; returns them either way. */
    List<Frame> await(Predicate<List<Frame>> condition) throws InterruptedException {
        return Conditions.await("frames from the server", this::frames, condition);
    }

    /** Whether the server closed the connection within 10 s. */
    boolean awaitClosed() {
        return channel.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        synchronized (this) {
            received.release();
        }
    }
}
