package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import io.github.proxycore.config.inbound.AnyTlsUser;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.inbound.Inbound;
import io.github.proxycore.outbound.inbound.InboundContext;
import io.github.proxycore.outbound.inbound.InboundFactory;
import io.github.proxycore.testing.LocalHttpServer;
import io.github.proxycore.testing.LoopbackTransport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code type: anytls} factories as the configuration-driven commands use them. */
class FactoriesTest {
    @RegisterExtension
    static final LoopbackTransport LOOPBACK = new LoopbackTransport(2);

    private static Transport transport;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
    }

    @Test
    void bothFactoriesAreRegistered() {
        assertThat(ServiceLoader.load(OutboundFactory.class).stream()
                        .map(p -> p.get().type()))
                .contains("anytls");
        assertThat(ServiceLoader.load(InboundFactory.class).stream()
                        .map(p -> p.get().type()))
                .contains("anytls");
    }

    @Test
    void inboundAndOutboundFromOptionsCarryAnHttpFetch(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        List<Path> files = cert.writeTo(dir, "server");
        AnyTlsInboundOptions in = new AnyTlsInboundOptions(
                "anytls-in",
                ListenOptions.of("127.0.0.1", 0),
                List.of(new AnyTlsUser("alice", "pw")),
                List.of("stop=3", "0=40-40", "1=300-300", "2=100-200"),
                InboundTlsOptions.ofFiles(files.get(0).toString(), files.get(1).toString()));
        InboundFactory inbounds = ServiceLoader.load(InboundFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals("anytls"))
                .findFirst()
                .orElseThrow();
        DirectOutbound direct = DirectOutbound.create(
                "direct", io.github.proxycore.config.DialOptions.DEFAULT, OutboundContext.of(transport));
        try (Inbound inbound = inbounds.start(in, new InboundContext(transport, ConnectionRouter.to(direct)));
                LocalHttpServer http = LocalHttpServer.start("routed")) {
            AnyTlsOutboundOptions out = AnyTlsOutboundOptions.builder(
                            "proxy", "127.0.0.1", inbound.localAddress().getPort(), "pw")
                    .tls(OutboundTlsOptions.builder()
                            .certificatePath(files.get(0).toString())
                            .build())
                    .build();
            try (Outbounds outbounds =
                    Outbounds.builder(List.of(out)).transport(transport).build()) {
                AnyTlsOutbound proxy = (AnyTlsOutbound) outbounds.get("proxy");
                Destination target = Destination.of("127.0.0.1", http.port());
                Channel stream = proxy.dial(target, Metadata.internal(Network.TCP, target))
                        .get(10, TimeUnit.SECONDS);
                Loopback.Collector body = Loopback.Collector.on(stream);
                stream.writeAndFlush(Unpooled.copiedBuffer(
                        "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII));
                assertThat(new String(body.awaitClose(), StandardCharsets.ISO_8859_1))
                        .endsWith("hello from routed");
                // the server's own scheme was pushed to the client on the first session
                assertThat(proxy.paddingScheme().text()).isEqualTo("stop=3\n0=40-40\n1=300-300\n2=100-200");
            }
        }
    }

    @Test
    void aPoolListenerAttachedToOutboundsReachesAnAnytlsOutboundBuiltFromOptions() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        java.util.concurrent.ConcurrentLinkedQueue<String> events = new java.util.concurrent.ConcurrentLinkedQueue<>();
        io.netty.channel.Channel echo = Loopback.echoServer(transport);
        try (AnyTlsServer server = Loopback.server(transport, cert);
                Outbounds outbounds = Outbounds.builder(List.of(Loopback.options(server, cert, Loopback.PASSWORD)
                                .build()))
                        .transport(transport)
                        .listeners(PoolListener.class, tag -> new PoolListener() {
                            @Override
                            public void sessionCreated(SessionOrigin origin) {
                                events.add(tag + " created " + origin);
                            }

                            @Override
                            public void streamOpened() {
                                events.add(tag + " stream");
                            }
                        })
                        .build()) {
            io.github.proxycore.outbound.Destination to =
                    io.github.proxycore.outbound.Destination.of((java.net.InetSocketAddress) echo.localAddress());
            outbounds
                    .get("proxy", AnyTlsOutbound.class)
                    .dial(to)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS)
                    .close();
            // the pool counts a stream right after handing it over
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (!events.contains("proxy stream") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(events).contains("proxy created " + SessionOrigin.DEMAND, "proxy stream");
        } finally {
            echo.close().sync();
        }
    }

    @Test
    void unreadableCertificateIsAConfigProblemAtItsPath() {
        AnyTlsOutboundOptions out = AnyTlsOutboundOptions.builder("proxy", "127.0.0.1", 443, "pw")
                .tls(OutboundTlsOptions.builder()
                        .certificatePath("/nonexistent/ca.pem")
                        .build())
                .build();
        assertThatThrownBy(() ->
                        Outbounds.builder(List.of(out)).transport(transport).build())
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems().get(0).path())
                                .isEqualTo("$.outbounds[0].tls.certificate_path"))
                .hasMessageContaining("cannot read /nonexistent/ca.pem");
    }

    @Test
    void invalidServerPaddingSchemeIsAConfigProblem() {
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        AnyTlsInboundOptions in = new AnyTlsInboundOptions(
                "anytls-in",
                ListenOptions.of("127.0.0.1", 0),
                List.of(new AnyTlsUser("alice", "pw")),
                List.of("0=40-40"),
                InboundTlsOptions.ofPem(cert.certificatePem(), cert.privateKeyPem()));
        assertThatThrownBy(() -> AnyTlsServer.builder(in))
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems().get(0).path())
                                .isEqualTo("$.padding_scheme"));
    }

    @Test
    void keyMaterialIsNeverInTheErrorMessage() {
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        String brokenKey = cert.privateKeyPem().replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nAAAA");
        InboundTlsOptions tls = InboundTlsOptions.ofPem(cert.certificatePem(), brokenKey);
        assertThatThrownBy(() -> io.github.proxycore.anytls.internal.TlsContexts.server(tls))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(brokenKey.substring(40, 80)));
    }
}
