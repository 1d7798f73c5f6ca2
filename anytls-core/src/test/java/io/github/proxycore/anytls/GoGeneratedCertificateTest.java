package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.anytls.internal.ClientTls;
import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.LoopbackTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An AnyTLS server presenting a certificate shaped like anytls-go's (which the JDK's X.509 parser refuses): insecure
 * and pinning clients connect, a verifying client fails naming the certificate problem. Runs on the JDK provider in
 * the default test run and on OpenSSL in the {@code openssl} run.
 */
class GoGeneratedCertificateTest {
    @RegisterExtension
    static final LoopbackTransport LOOPBACK = new LoopbackTransport(2);

    private static Transport transport;
    private static GoGeneratedCertificate cert;
    private static AnyTlsServer server;
    private static Channel echo;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
        cert = GoGeneratedCertificate.generate();
        server = AnyTlsServer.builder()
                .user("tester", Loopback.PASSWORD)
                .sslContext(TlsContexts.server(
                        List.of(cert.certificate()), cert.privateKey(), List.of(), null, null, List.of()))
                .transport(transport)
                .bind(Loopback.loopback(0));
        echo = Loopback.echoServer(transport);
    }

    @AfterAll
    static void stop() {
        echo.close().syncUninterruptibly();
        server.close();
    }

    @Test
    void runsOnTheProviderOfThisTestRun() {
        // the openssl run must not pass on the JDK because tcnative failed to load
        if (Boolean.getBoolean("proxycore.test.requireOpenSsl")) {
            assertThat(OpenSsl.unavailabilityCause()).isNull();
            assertThat(TlsContexts.provider()).isEqualTo(SslProvider.OPENSSL);
        } else {
            assertThat(TlsContexts.provider()).isEqualTo(SslProvider.JDK);
        }
    }

    @Test
    void theJdkRefusesTheCertificateAsAnytlsGoShapesIt() {
        assertThatThrownBy(() -> CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(cert.der())))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("Empty issuer DN");
    }

    @Test
    void onTheJdkTheFirstHandshakeFailsOnParsingAndTheFallbackEngineSucceeds() throws Exception {
        ClientTls tls =
                TlsContexts.client(OutboundTlsOptions.builder().insecure(true).build());
        if (OpenSsl.isAvailable()) { // OpenSSL parses it itself: no fallback
            assertThat(handshake(tls.context())).isNull();
            assertThat(tls.usesFallback()).isFalse();
            return;
        }
        SslContext standard = tls.context();
        Throwable failure = handshake(standard);
        assertThat(ClientTls.unparsableCertificate(failure)).hasMessageContaining("Empty issuer DN");
        assertThat(tls.fallbackFor(new IllegalStateException("another failure"), standard, "server"))
                .isNull();
        SslContext fallback = tls.fallbackFor(failure, standard, "server").get(30, TimeUnit.SECONDS);
        assertThat(tls.usesFallback()).isTrue();
        assertThat(tls.context()).isSameAs(fallback);
        assertThat(handshake(fallback)).isNull();
        assertThat(tls.fallbackFor(failure, fallback, "server"))
                .as("a failure of the fallback itself is final")
                .isNull();
        assertThat(Security.getProvider("BC"))
                .as("no provider registered behind the host's back")
                .isNull();
        assertThat(Security.getProvider("BCJSSE")).isNull();
    }

    @Test
    void aVerifyingClientHasNoFallback() throws Exception {
        ClientTls tls = TlsContexts.client(OutboundTlsOptions.builder().build());
        Throwable failure = handshake(tls.context());
        assertThat(failure).isNotNull();
        assertThat(tls.fallbackFor(failure, tls.context(), "server")).isNull();
    }

    /** A TLS handshake with the server: null when it succeeded, else its failure. */
    private static Throwable handshake(SslContext context) throws Exception {
        InetSocketAddress address = server.localAddress();
        Channel channel = new Bootstrap()
                .group(transport.group())
                .channel(transport.socketChannelClass())
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // the handshake future reports it
                    }
                })
                .connect(address)
                .sync()
                .channel();
        try {
            SslHandler handler = context.newHandler(channel.alloc(), "127.0.0.1", address.getPort());
            channel.pipeline().addFirst(handler);
            Future<Channel> done = handler.handshakeFuture();
            assertThat(done.await(15, TimeUnit.SECONDS)).isTrue();
            return done.cause();
        } finally {
            channel.close().sync();
        }
    }

    @Test
    void anInsecureClientConnects() throws Exception {
        try (AnyTlsOutbound outbound =
                outbound(OutboundTlsOptions.builder().insecure(true).build())) {
            for (int i = 0; i < 3; i++) { // the first session learns, the others start on the right engine
                assertEchoes(outbound, "insecure " + i);
            }
            assertThat(outbound.poolStats().created()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aClientPinningTheCertificateConnects() throws Exception {
        try (AnyTlsOutbound outbound =
                outbound(OutboundTlsOptions.builder().certificate(cert.pem()).build())) {
            assertEchoes(outbound, "pinned");
        }
    }

    @Test
    void aClientPinningAnotherCertificateIsRefused() throws Exception {
        SelfSignedCertificate other = SelfSignedCertificate.forLoopback();
        try (AnyTlsOutbound outbound = outbound(
                OutboundTlsOptions.builder().certificate(other.certificatePem()).build())) {
            Throwable failure = dialFailure(outbound);
            assertThat(failure).isInstanceOf(DialException.class);
            assertThat(failure.getMessage()).contains("TLS handshake with server");
        }
    }

    @Test
    void aVerifyingClientFailsNamingTheCertificateProblem() throws Exception {
        try (AnyTlsOutbound outbound = outbound(OutboundTlsOptions.builder().build())) {
            Throwable failure = dialFailure(outbound);
            assertThat(failure).isInstanceOf(DialException.class);
            // the JDK's engine refuses to parse it; with OpenSSL, the JDK's verification does
            assertThat(failure.getMessage())
                    .contains("TLS handshake with server")
                    .contains("the server's certificate cannot be parsed by the JDK")
                    .contains("Empty issuer DN not allowed")
                    .contains("tls.insecure");
        }
    }

    private static AnyTlsOutbound outbound(OutboundTlsOptions tls) {
        AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder(
                        "go-cert", "127.0.0.1", server.localAddress().getPort(), Loopback.PASSWORD)
                .tls(tls)
                .build();
        return AnyTlsOutbound.create(options, OutboundContext.of(transport));
    }

    private static Destination echoDestination() {
        return Destination.of((InetSocketAddress) echo.localAddress());
    }

    private static void assertEchoes(AnyTlsOutbound outbound, String text) throws Exception {
        Channel stream = outbound.dial(echoDestination(), Metadata.internal(Network.TCP, echoDestination()))
                .get(15, TimeUnit.SECONDS);
        try {
            Loopback.Collector reply = Loopback.Collector.on(stream);
            stream.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
            assertThat(reply.awaitText(text.length())).isEqualTo(text);
        } finally {
            stream.close().syncUninterruptibly();
        }
    }

    private static Throwable dialFailure(AnyTlsOutbound outbound) throws Exception {
        Future<Channel> future = outbound.dial(echoDestination(), Metadata.internal(Network.TCP, echoDestination()));
        assertThat(future.await(15, TimeUnit.SECONDS)).isTrue();
        assertThat(future.isSuccess()).isFalse();
        return future.cause();
    }
}
