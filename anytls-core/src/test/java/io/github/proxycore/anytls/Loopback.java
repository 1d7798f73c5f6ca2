package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.anytls.internal.wire.TlsRecordSplitter;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.Conditions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Loopback servers and clients for the tests: an echo server, a digest sink, a TLS record sink, a byte collector. */
final class Loopback {
    static final String PASSWORD = "correct horse battery staple";

    private Loopback() {}

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** A server for {@code cert} with one user. */
    static AnyTlsServer server(Transport transport, SelfSignedCertificate cert) {
        return AnyTlsServer.builder()
                .user("tester", PASSWORD)
                .certificate(cert)
                .transport(transport)
                .bind(loopback(0));
    }

    /** Options for an outbound to {@code server} that pins {@code cert}. */
    static AnyTlsOutboundOptions.Builder options(AnyTlsServer server, SelfSignedCertificate cert, String password) {
        return AnyTlsOutboundOptions.builder(
                        "proxy", "127.0.0.1", server.localAddress().getPort(), password)
                .tls(OutboundTlsOptions.builder()
                        .certificate(cert.certificatePem())
                        .build());
    }

    static AnyTlsOutbound outbound(Transport transport, AnyTlsServer server, SelfSignedCertificate cert) {
        return AnyTlsOutbound.create(options(server, cert, PASSWORD).build(), OutboundContext.of(transport));
    }

    /** Echoes every byte back. */
    static Channel echoServer(Transport transport) {
        return listen(
                transport,
                ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.write(msg);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }
                }));
    }

    /** Reads {@code expected} bytes, answers the hex SHA-256 of them, and closes. */
    static Channel digestServer(Transport transport, long expected) {
        return listen(transport, ch -> {
            MessageDigest digest = io.github.proxycore.testing.TestData.sha256();
            long[] received = {0};
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    received[0] += buf.readableBytes();
                    digest.update(buf.nioBuffer());
                    buf.release();
                    if (received[0] >= expected) {
                        String hex = HexFormat.of().formatHex(digest.digest()) + " " + received[0];
                        ctx.writeAndFlush(Unpooled.copiedBuffer(hex, StandardCharsets.US_ASCII))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                }
            });
        });
    }

    /**
     * A TLS server for {@code cert} that hands {@code sink} the plaintext of one TLS record per read: what a client
     * writes, record by record.
     */
    static Channel recordSink(Transport transport, SelfSignedCertificate cert, ChannelHandler sink) {
        SslContext tls =
                TlsContexts.server(List.of(cert.certificate()), cert.privateKey(), List.of(), null, null, List.of());
        // one record per read into the SslHandler, so each read after it is one record's plaintext
        return listen(
                transport, ch -> ch.pipeline().addLast(new TlsRecordSplitter(), tls.newHandler(ch.alloc()), sink));
    }

    /** A listener on 127.0.0.1 whose accepted channels {@code init} sets up. */
    private static Channel listen(Transport transport, Consumer<Channel> init) {
        return new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverSocketChannelClass())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        init.accept(ch);
                    }
                })
                .bind(loopback(0))
                .syncUninterruptibly()
                .channel();
    }

    /** Collects what a channel reads until it closes; turns auto-read on. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> closed = new CompletableFuture<>();
        private final CompletableFuture<String> firstRead = new CompletableFuture<>();

        static Collector on(Channel channel) {
            Collector collector = new Collector();
            channel.pipeline().addLast(collector);
            channel.config().setAutoRead(true);
            return collector;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            synchronized (bytes) {
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                bytes.writeBytes(b);
            }
            ReferenceCountUtil.release(msg);
            firstRead.complete("");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (bytes) {
                closed.complete(bytes.toByteArray());
            }
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.ISO_8859_1);
            }
        }

        /** Waits until {@code length} bytes arrived (bounded). */
        String awaitText(int length) throws InterruptedException {
            Conditions.await(length + " bytes", this::text, text -> {
                synchronized (bytes) {
                    return bytes.size() >= length;
                }
            });
            return text();
        }

        byte[] awaitClose() throws Exception {
            return closed.get(20, TimeUnit.SECONDS);
        }
    }
}
