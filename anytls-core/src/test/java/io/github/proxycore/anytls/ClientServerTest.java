package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DestinationException;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.UdpPacket;
import io.github.proxycore.testing.Conditions;
import io.github.proxycore.testing.LocalHttpServer;
import io.github.proxycore.testing.TestData;
import io.github.proxycore.testing.UdpEchoServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** This client against this server on 127.0.0.1 over real TLS with a generated, pinned certificate. */
class ClientServerTest {
    private static final long BULK = 100L * 1024 * 1024;

    @RegisterExtension
    static final LoopbackTls LOOPBACK = new LoopbackTls(4);

    private static Transport transport;
    private static SelfSignedCertificate cert;
    private static AnyTlsServer server;
    private static LocalHttpServer http;
    private static Channel echo;

    @BeforeAll
    static void start() throws Exception {
        transport = LOOPBACK.transport();
        cert = LOOPBACK.cert();
        server = Loopback.server(transport, cert);
        http = LocalHttpServer.start("origin");
        echo = Loopback.echoServer(transport);
    }

    @AfterAll
    static void stop() {
        echo.close().syncUninterruptibly();
        http.close();
        server.close();
    }

    private static Destination echoDestination() {
        return Destination.of((java.net.InetSocketAddress) echo.localAddress());
    }

    private static Metadata tcp(Destination destination) {
        return Metadata.internal(Network.TCP, destination);
    }

    private static Channel dial(AnyTlsOutbound outbound, Destination destination) throws Exception {
        return outbound.dial(destination, tcp(destination)).get(15, TimeUnit.SECONDS);
    }

    private static Throwable dialFailure(AnyTlsOutbound outbound, Destination destination) throws Exception {
        Future<Channel> future = outbound.dial(destination, tcp(destination)).await();
        assertThat(future.await(15, TimeUnit.SECONDS)).isTrue();
        assertThat(future.isSuccess()).isFalse();
        return future.cause();
    }

    @Test
    void fetchesAPageOverHttp() throws Exception {
        try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert)) {
            Channel stream = dial(outbound, Destination.of("127.0.0.1", http.port()));
            Loopback.Collector body = Loopback.Collector.on(stream);
            stream.writeAndFlush(Unpooled.copiedBuffer(
                    "GET /hello HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII));
            String response = new String(body.awaitClose(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello from origin");
        }
    }

    @Test
    void downloads100MiBByteForByte() throws Exception {
        try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert)) {
            Channel stream = dial(outbound, Destination.of("127.0.0.1", http.port()));
            HttpBodyDigest digest = new HttpBodyDigest();
            stream.pipeline().addLast(digest);
            stream.config().setAutoRead(true);
            stream.writeAndFlush(Unpooled.copiedBuffer(
                    "GET /bytes/" + BULK + " HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n",
                    StandardCharsets.US_ASCII));
            assertThat(digest.result.get(60, TimeUnit.SECONDS)).isEqualTo(TestData.sha256(0, BULK));
            assertThat(digest.bodyBytes).isEqualTo(BULK);
        }
    }

    @Test
    void uploads100MiBByteForByte() throws Exception {
        Channel sink = Loopback.digestServer(transport, BULK);
        try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert)) {
            Channel stream = dial(outbound, Destination.of((java.net.InetSocketAddress) sink.localAddress()));
            Loopback.Collector reply = Loopback.Collector.on(stream);
            stream.eventLoop().execute(() -> new Uploader(stream, 1, BULK).pump());
            String answer = new String(reply.awaitClose(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo(TestData.sha256(1, BULK) + " " + BULK);
        } finally {
            sink.close().syncUninterruptibly();
        }
    }

    @Test
    void twoHundredConcurrentStreamsUseAsManySessions() throws Exception {
        try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert)) {
            Destination target = echoDestination();
            List<Future<Channel>> dials = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                dials.add(outbound.dial(target, tcp(target)));
            }
            List<Channel> streams = new ArrayList<>();
            List<Loopback.Collector> collectors = new ArrayList<>();
            for (Future<Channel> dial : dials) {
                Channel stream = dial.get(30, TimeUnit.SECONDS);
                streams.add(stream);
                collectors.add(Loopback.Collector.on(stream));
            }
            assertThat(outbound.sessionCount()).isEqualTo(200);
            for (int i = 0; i < streams.size(); i++) {
                streams.get(i).writeAndFlush(Unpooled.copiedBuffer("stream-" + i + ";", StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < streams.size(); i++) {
                String expected = "stream-" + i + ";";
                assertThat(collectors.get(i).awaitText(expected.length())).isEqualTo(expected);
                streams.get(i).close();
            }
        }
    }

    @Test
    void sequentialDialsReuseOneSession() throws Exception {
        try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert)) {
            Destination target = echoDestination();
            for (int i = 0; i < 20; i++) {
                Channel stream = dial(outbound, target);
                Loopback.Collector collector = Loopback.Collector.on(stream);
                stream.writeAndFlush(Unpooled.copiedBuffer("ping " + i, StandardCharsets.US_ASCII));
                assertThat(collector.awaitText(("ping " + i).length())).isEqualTo("ping " + i);
                stream.close().syncUninterruptibly();
                awaitIdle(outbound);
            }
            assertThat(outbound.sessionCount()).isEqualTo(1);
            assertThat(outbound.idleSessions()).containsExactly(1L);
        }
    }

    @Test
    void closingTheOutboundKeepsDialledStreamsAndClosesTheirSessionsAfter() throws Exception {
        AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert);
        Destination target = echoDestination();
        Channel idle = dial(outbound, target);
        idle.close().syncUninterruptibly();
        awaitIdle(outbound);
        Channel busy = dial(outbound, target); // takes the idle session
        Channel second = dial(outbound, target);
        second.close().syncUninterruptibly();
        awaitIdle(outbound);
        outbound.close();
        Loopback.Collector collector = Loopback.Collector.on(busy);
        busy.writeAndFlush(Unpooled.copiedBuffer("still here", StandardCharsets.US_ASCII));
        assertThat(collector.awaitText(10)).isEqualTo("still here");
        busy.close().syncUninterruptibly();
        Conditions.await("every session closed", () -> outbound.sessionCount() == 0);
        assertThat(outbound.dial(target, tcp(target)).await().cause()).hasMessageContaining("the outbound is closed");
    }

    private static void awaitIdle(AnyTlsOutbound outbound) throws InterruptedException {
        Conditions.await("an idle session", () -> !outbound.idleSessions().isEmpty());
    }

    @Test
    void udpEchoOverUdpOverTcp() throws Exception {
        try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert);
                UdpEchoServer udp = UdpEchoServer.start()) {
            Destination target = Destination.of("127.0.0.1", udp.port());
            Channel channel = outbound.listenPacket(target, Metadata.internal(Network.UDP, target))
                    .get(15, TimeUnit.SECONDS);
            CompletableFuture<String> reply = new CompletableFuture<>();
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    UdpPacket packet = (UdpPacket) msg;
                    reply.complete(packet.address() + " " + packet.content().toString(StandardCharsets.US_ASCII));
                    ReferenceCountUtil.release(msg);
                }
            });
            channel.config().setAutoRead(true);
            channel.writeAndFlush(new UdpPacket(Unpooled.copiedBuffer("ping-udp", StandardCharsets.US_ASCII), target));
            assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo(target + " ping-udp");
            channel.close();
        }
    }

    @Test
    void wrongPasswordFailsTheDialNamingTheServer() throws Exception {
        try (AnyTlsOutbound outbound =
                AnyTlsOutbound.create(Loopback.options(server, cert, "wrong").build(), OutboundContext.of(transport))) {
            Throwable cause = dialFailure(outbound, Destination.of("127.0.0.1", http.port()));
            assertThat(cause)
                    .isInstanceOf(DialException.class)
                    .hasMessageContaining("outbound \"proxy\" (anytls)")
                    .hasMessageContaining(
                            "server 127.0.0.1:" + server.localAddress().getPort())
                    .hasMessageContaining("wrong password");
        }
    }

    @Test
    void refusedDestinationFailsWithTheServersErrorText() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert)) {
            Throwable cause = dialFailure(outbound, Destination.of("127.0.0.1", closedPort));
            assertThat(cause)
                    .isInstanceOf(DialException.class)
                    .hasMessageContaining("remote: ")
                    .hasMessageContaining("refused");
            // the destination's failure, not the outbound's: a load balancer must not blame its member for it
            assertThat(cause.getCause()).isInstanceOf(DestinationException.class);
            assertThat(DestinationException.isCauseOf(cause)).isTrue();
            assertThat(outbound.sessionCount())
                    .as("a SYNACK error keeps the session")
                    .isEqualTo(1);
        }
    }

    @Test
    void refusedServerFailsNamingTheServer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder("proxy", "127.0.0.1", closedPort, "x")
                .tls(OutboundTlsOptions.builder()
                        .certificate(cert.certificatePem())
                        .build())
                .build();
        try (AnyTlsOutbound outbound = AnyTlsOutbound.create(options, OutboundContext.of(transport))) {
            assertThat(dialFailure(outbound, Destination.of("example.com", 80)))
                    .hasMessageContaining("cannot connect to server 127.0.0.1:" + closedPort)
                    .hasMessageContaining("refused");
        }
    }

    @Test
    void untrustedCertificateFailsTheTlsHandshake() throws Exception {
        SelfSignedCertificate other = SelfSignedCertificate.forLoopback();
        try (AnyTlsOutbound outbound = AnyTlsOutbound.create(
                Loopback.options(server, other, Loopback.PASSWORD).build(), OutboundContext.of(transport))) {
            assertThat(dialFailure(outbound, Destination.of("example.com", 80)))
                    .hasMessageContaining("TLS handshake with server 127.0.0.1:"
                            + server.localAddress().getPort())
                    .hasMessageContaining("PKIX");
        }
    }

    @Test
    void insecureAcceptsAnyCertificate() throws Exception {
        AnyTlsOutboundOptions options = Loopback.options(server, cert, Loopback.PASSWORD)
                .tls(OutboundTlsOptions.builder()
                        .insecure(true)
                        .serverName("not-in-the-cert.example")
                        .build())
                .build();
        try (AnyTlsOutbound outbound = AnyTlsOutbound.create(options, OutboundContext.of(transport))) {
            Destination target = echoDestination();
            Channel stream = dial(outbound, target);
            Loopback.Collector collector = Loopback.Collector.on(stream);
            stream.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
            assertThat(collector.awaitText(1)).isEqualTo("x");
            stream.close();
        }
    }

    @Test
    void closingTheOutboundFailsADialStillInFlight() throws Exception {
        // takes the TCP connection (the kernel's backlog) and never answers the TLS handshake
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            AnyTlsOutbound outbound = AnyTlsOutbound.create(
                    AnyTlsOutboundOptions.builder("proxy", "127.0.0.1", silent.getLocalPort(), Loopback.PASSWORD)
                            .tls(OutboundTlsOptions.builder().insecure(true).build())
                            .build(),
                    OutboundContext.of(transport));
            Destination to = echoDestination();
            Future<Channel> dial = outbound.dial(to, tcp(to));
            outbound.close();
            assertThat(dial.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(dial.cause()).isInstanceOf(DialException.class).hasMessageContaining("the outbound is closed");
        }
    }

    @Test
    void serverNameMismatchIsRejectedWhenVerifying() throws Exception {
        AnyTlsOutboundOptions options = Loopback.options(server, cert, Loopback.PASSWORD)
                .tls(OutboundTlsOptions.builder()
                        .certificate(cert.certificatePem())
                        .serverName("other.example")
                        .build())
                .build();
        try (AnyTlsOutbound outbound = AnyTlsOutbound.create(options, OutboundContext.of(transport))) {
            assertThat(dialFailure(outbound, Destination.of("example.com", 80)))
                    .hasMessageContaining("TLS handshake")
                    .hasMessageContaining("other.example");
        }
    }

    /** Writes {@code length} bytes of test stream {@code seed}, following the channel's writability. */
    static final class Uploader extends ChannelInboundHandlerAdapter {
        private final Channel channel;
        private final long seed;
        private final long length;
        private long offset;

        Uploader(Channel channel, long seed, long length) {
            this.channel = channel;
            this.seed = seed;
            this.length = length;
            channel.pipeline().addFirst(this);
        }

        void pump() {
            byte[] chunk = new byte[32 * 1024];
            while (offset < length && channel.isWritable()) {
                int n = (int) Math.min(chunk.length, length - offset);
                TestData.fill(seed, offset, chunk, n);
                offset += n;
                channel.write(Unpooled.wrappedBuffer(chunk.clone(), 0, n));
            }
            channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pump();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    /** Digests the body of one HTTP/1.1 response with Content-Length. */
    static final class HttpBodyDigest extends ChannelInboundHandlerAdapter {
        final CompletableFuture<String> result = new CompletableFuture<>();
        private final MessageDigest digest = TestData.sha256();
        private final StringBuilder head = new StringBuilder();
        private boolean inBody;
        private long contentLength = -1;
        long bodyBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (!inBody && buf.isReadable()) {
                    head.append((char) buf.readByte());
                    if (head.toString().endsWith("\r\n\r\n")) {
                        inBody = true;
                        for (String line : head.toString().split("\r\n")) {
                            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                                contentLength =
                                        Long.parseLong(line.substring(15).trim());
                            }
                        }
                    }
                }
                bodyBytes += buf.readableBytes();
                digest.update(buf.nioBuffer());
                if (inBody && bodyBytes >= contentLength) {
                    result.complete(HexFormat.of().formatHex(digest.digest()));
                    ctx.close();
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IllegalStateException("closed after " + bodyBytes + " body bytes"));
        }
    }
}
