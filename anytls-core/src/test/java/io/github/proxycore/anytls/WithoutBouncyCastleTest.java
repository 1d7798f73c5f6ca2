package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.anytls.internal.BouncyCastle;
import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import io.github.proxycore.config.inbound.AnyTlsUser;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.LocalHttpServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * anytls-core with BouncyCastle excluded from the class path, as a host that brings its own {@code SslContext} may
 * build it: the {@code without-bouncycastle} test execution runs only this class, with the four BouncyCastle jars
 * removed. A client outbound with the host's context works, and so do PKCS#8 keys and certificates the JDK parses;
 * what needs BouncyCastle fails naming it. The server's certificate comes from the JDK's keytool.
 */
@EnabledIfSystemProperty(named = "proxycore.test.withoutBouncyCastle", matches = "true")
class WithoutBouncyCastleTest {
    /** A certificate with an empty subject and issuer, as Go writes them for anytls-go, which the JDK refuses. */
    private static final String EMPTY_ISSUER_CERTIFICATE = String.join(
            "\n",
            "-----BEGIN CERTIFICATE-----",
            "MIIBVjCB/aADAgECAhQhpe2f7DgCG+3t44Pg8gDBnqmExjAKBggqhkjOPQQDAjAA",
            "MCAXDTI2MTIwMjAzNDE1MloYDzIxMjYxMTA4MDM0MTUyWjAAMFkwEwYHKoZIzj0C",
            "AQYIKoZIzj0DAQcDQgAEotJ4anzpP9UJUUtUAsdbE1rWY3apKm+w+LqtwiARAtFH",
            "3xuClneOBtZY9GZMf9gOesr5qDuXVkuOgWqVtOeHt6NTMFEwHQYDVR0OBBYEFKbI",
            "zm25C48FCLh1tf8i2M/pI3eaMB8GA1UdIwQYMBaAFKbIzm25C48FCLh1tf8i2M/p",
            "I3eaMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgWsfJGR6L791E",
            "Cu1QR2h9SKleUujs6tAAI6C9sdb1QpQCIQCTnoO+4WuQRcLb+/36/jJ+bHZs/Q3I",
            "Xohxap2pLYgSQA==",
            "-----END CERTIFICATE-----");

    private static Path dir;
    private static Transport transport;
    private static X509Certificate certificate;
    private static Path certificateFile;
    private static Path keyFile;
    private static AnyTlsServer server;
    private static LocalHttpServer http;

    @BeforeAll
    static void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "san=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(keytoolOutput).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        certificate = (X509Certificate) keys.getCertificate("server");
        PrivateKey key = (PrivateKey) keys.getKey("server", "changeit".toCharArray());
        certificateFile = dir.resolve("server.crt");
        keyFile = dir.resolve("server.key");
        Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8, which the JDK reads itself

        transport = Transport.create(2);
        // the server from configuration options: PEM files, the key read by the JDK
        AnyTlsInboundOptions options = new AnyTlsInboundOptions(
                "anytls-in",
                ListenOptions.of("127.0.0.1", 0),
                List.of(new AnyTlsUser("tester", Loopback.PASSWORD)),
                List.of(),
                InboundTlsOptions.ofFiles(certificateFile.toString(), keyFile.toString()));
        server = AnyTlsServer.builder(options).transport(transport).bind(Loopback.loopback(0));
        http = LocalHttpServer.start("origin");
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static AnyTlsOutboundOptions.Builder options(OutboundTlsOptions tls) {
        return AnyTlsOutboundOptions.builder(
                        "proxy", "127.0.0.1", server.localAddress().getPort(), Loopback.PASSWORD)
                .tls(tls);
    }

    private static String fetch(AnyTlsOutbound outbound) throws Exception {
        Channel stream = outbound.dial(Destination.of("127.0.0.1", http.port())).get(15, TimeUnit.SECONDS);
        Loopback.Collector body = Loopback.Collector.on(stream);
        stream.writeAndFlush(Unpooled.copiedBuffer(
                "GET /hello HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII));
        return new String(body.awaitClose(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void bouncyCastleIsReallyAbsent() {
        assertThat(BouncyCastle.available()).isFalse();
        assertThatThrownBy(() -> Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aClientWithTheHostsOwnSslContextWorks() throws Exception {
        SslContext hostTls =
                SslContextBuilder.forClient().trustManager(certificate).build();
        OutboundTlsOptions tls =
                OutboundTlsOptions.builder().serverName("localhost").build();
        try (AnyTlsOutbound outbound = AnyTlsOutbound.builder(options(tls).build(), OutboundContext.of(transport))
                .sslContext(hostTls)
                .build()) {
            assertThat(fetch(outbound)).startsWith("HTTP/1.1 200").endsWith("hello from origin");
        }
    }

    @Test
    void aClientPinningAnOrdinaryCertificateFromAFileWorks() throws Exception {
        OutboundTlsOptions tls = OutboundTlsOptions.builder()
                .serverName("localhost")
                .certificatePath(certificateFile.toString())
                .build();
        try (AnyTlsOutbound outbound = AnyTlsOutbound.create(options(tls).build(), OutboundContext.of(transport))) {
            assertThat(fetch(outbound)).startsWith("HTTP/1.1 200").endsWith("hello from origin");
        }
    }

    @Test
    void whatNeedsBouncyCastleSaysSo() throws Exception {
        assertThatThrownBy(SelfSignedCertificate::forLoopback)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("generating a self-signed certificate needs BouncyCastle")
                .hasMessageContaining("bcpkix-jdk18on");

        assertThatThrownBy(() -> TlsContexts.privateKey(
                        "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n",
                        "$.tls.key"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("$.tls.key: reading a traditional RSA or EC PEM key needs BouncyCastle")
                .hasMessageContaining("openssl pkcs8 -topk8");

        Path goCertificate = dir.resolve("go.crt");
        Files.writeString(goCertificate, EMPTY_ISSUER_CERTIFICATE);
        OutboundTlsOptions pinned = OutboundTlsOptions.builder()
                .certificatePath(goCertificate.toString())
                .build();
        assertThatThrownBy(() -> AnyTlsOutbound.create(options(pinned).build(), OutboundContext.of(transport)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("$.tls.certificate_path")
                .hasMessageContaining("Empty issuer DN")
                .hasMessageContaining("reading such a certificate needs BouncyCastle");
    }
}
