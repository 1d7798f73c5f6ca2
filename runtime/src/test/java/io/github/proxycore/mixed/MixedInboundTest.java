package io.github.proxycore.mixed;

import static io.github.proxycore.mixed.ProxyClients.body;
import static io.github.proxycore.mixed.ProxyClients.bodyDigest;
import static io.github.proxycore.mixed.ProxyClients.connect;
import static io.github.proxycore.mixed.ProxyClients.get;
import static io.github.proxycore.mixed.ProxyClients.httpConnect;
import static io.github.proxycore.mixed.ProxyClients.readHead;
import static io.github.proxycore.mixed.ProxyClients.socks4Connect;
import static io.github.proxycore.mixed.ProxyClients.socks5Connect;
import static io.github.proxycore.mixed.ProxyClients.socks5Greeting;
import static io.github.proxycore.mixed.ProxyClients.socks5Login;
import static io.github.proxycore.mixed.ProxyClients.socks5Reply;
import static io.github.proxycore.mixed.ProxyClients.socks5Request;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.outbound.DirectOutboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.HostResolver;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import io.github.proxycore.testing.TestData;
import io.github.proxycore.testing.UdpEchoServer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mixed inbound end to end on 127.0.0.1: raw SOCKS4/4a, SOCKS5 and HTTP clients through the real engine to a
 * local HTTP server and a UDP echo server. "proxied.test" resolves only inside the proxy, which proves that names
 * are resolved remotely.
 */
class MixedInboundTest {
    static final long BIG = 50L * 1024 * 1024;

    private static LocalHttpServer http;
    private static UdpEchoServer echo;
    private static Engine engine;
    private static Engine authEngine;
    private static final ConcurrentLinkedQueue<Metadata> dialled = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        http = LocalHttpServer.start("origin");
        echo = UdpEchoServer.start();
        HostResolver resolver = HostResolver.of(Map.of(
                "proxied.test", List.of(InetAddress.getByName("127.0.0.1")),
                "blocked.test", List.of(InetAddress.getByName("127.0.0.1"))));
        engine = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"mixed-in\", \"listen\": \"127.0.0.1\", \"listen_port\": 0}],"
                        + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}, {\"type\": \"block\", \"tag\": \"block\"},"
                        + "  {\"type\": \"direct\", \"tag\": \"video\"}],"
                        + "\"route\": {\"rule_set\": ["
                        + "  {\"type\": \"inline\", \"tag\": \"geosite-ads\", \"rules\": [{\"domain_suffix\": \"blocked.test\"}]},"
                        + "  {\"type\": \"inline\", \"tag\": \"geosite-video\", \"rules\": [{\"domain_keyword\": \"video\"}]}],"
                        + "  \"rules\": [{\"rule_set\": \"geosite-ads\", \"outbound\": \"block\"},"
                        + "            {\"rule_set\": \"geosite-video\", \"outbound\": \"video\"}],"
                        + "  \"final\": \"direct\"}}"))
                .resolver(HostResolver.of(Map.of(
                        "proxied.test", List.of(InetAddress.getByName("127.0.0.1")),
                        "video.proxied.test", List.of(InetAddress.getByName("127.0.0.1")))))
                .outboundFactory(new RecordingDirect())
                .start();
        authEngine = Engine.builder(
                        ConfigLoader.parse(
                                "{\"inbounds\": [{\"type\": \"mixed\", \"listen\": \"127.0.0.1\","
                                        + " \"listen_port\": 0, \"users\": [{\"username\": \"alice\", \"password\": \"s3cret\"}]}]}"))
                .resolver(resolver)
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        engine.close();
        authEngine.close();
        http.close();
        echo.close();
    }

    private static InetSocketAddress proxy() {
        return engine.inbound("mixed-in").localAddress();
    }

    private static String origin() {
        return "proxied.test:" + http.port();
    }

    @Test
    void socks5ConnectToAnIp() throws Exception {
        try (Socket s = connect(proxy())) {
            assertThat(socks5Connect(s, "127.0.0.1", http.port())).isZero();
            get(s, "/hello");
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(body(s.getInputStream(), response)).isEqualTo("hello from origin");
        }
    }

    @Test
    void socks5WithRemoteDnsAndA50MiBDownload() throws Exception {
        try (Socket s = connect(proxy())) {
            assertThat(socks5Connect(s, "proxied.test", http.port())).isZero();
            get(s, "/bytes/" + BIG);
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(response.header("Content-Length")).isEqualTo(Long.toString(BIG));
            assertThat(bodyDigest(s.getInputStream(), BIG)).isEqualTo(TestData.sha256(0, BIG));
        }
        assertThat(dialled)
                .anySatisfy(m -> assertThat(m.destination()).isEqualTo(Destination.of("proxied.test", http.port())));
    }

    @Test
    void socks5OverIpv6Address() throws Exception {
        // the request names an IPv6 destination; nothing listens there, so the proxy answers "refused"
        try (Socket s = connect(proxy())) {
            assertThat(socks5Connect(s, "::1", DirectPorts.unused())).isEqualTo(5);
        }
    }

    @Test
    void socks4aWithRemoteDnsAndSocks4WithAnIp() throws Exception {
        try (Socket s = connect(proxy())) {
            assertThat(socks4Connect(s, 1, "proxied.test", http.port())).isEqualTo(0x5a);
            get(s, "/hello");
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(body(s.getInputStream(), response)).isEqualTo("hello from origin");
        }
        try (Socket s = connect(proxy())) {
            assertThat(socks4Connect(s, 1, "127.0.0.1", http.port())).isEqualTo(0x5a);
            get(s, "/hello");
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(200);
        }
    }

    @Test
    void httpConnectTunnelAndA50MiBDownload() throws Exception {
        try (Socket s = connect(proxy())) {
            assertThat(httpConnect(s, origin(), "").status()).isEqualTo(200);
            get(s, "/bytes/" + BIG);
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(bodyDigest(s.getInputStream(), BIG)).isEqualTo(TestData.sha256(0, BIG));
        }
    }

    @Test
    void theOriginSeesTheHostOfTheUriNotTheClientsHostNorItsUserInformation() throws Exception {
        try (Socket s = connect(proxy())) {
            s.getOutputStream()
                    .write(("GET http://user:secret@" + origin() + "/hello HTTP/1.1\r\nHost: evil.example\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Host")).isEqualTo(origin());
        }
    }

    @Test
    void plainHttpIsRewrittenForTheOrigin() throws Exception {
        try (Socket s = connect(proxy())) {
            s.getOutputStream()
                    .write(("GET http://" + origin() + "/hello?x=1 HTTP/1.1\r\nHost: " + origin()
                                    + "\r\nProxy-Connection: keep-alive\r\nUser-Agent: test\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Method")).isEqualTo("GET");
            assertThat(response.header("X-Host")).isEqualTo(origin());
            assertThat(body(s.getInputStream(), response)).isEqualTo("hello from origin");
            // one request per connection: the origin was told "Connection: close", so the relay ends
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void plainHttpWithABodyAndA50MiBDownload() throws Exception {
        try (Socket s = connect(proxy())) {
            byte[] payload = "a request body".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream()
                    .write(("POST http://" + origin() + "/echo HTTP/1.1\r\nHost: " + origin() + "\r\nContent-Length: "
                                    + payload.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(payload);
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(body(s.getInputStream(), response)).isEqualTo("a request body");
        }
        try (Socket s = connect(proxy())) {
            s.getOutputStream()
                    .write(("GET http://" + origin() + "/bytes/" + BIG + " HTTP/1.1\r\nHost: " + origin() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(bodyDigest(s.getInputStream(), BIG)).isEqualTo(TestData.sha256(0, BIG));
        }
    }

    @Test
    void dataSentRightBehindTheRequestIsNotLost() throws Exception {
        try (Socket s = connect(proxy())) {
            assertThat(socks5Greeting(s, 0)).isZero();
            // CONNECT and the HTTP request in one write, before any reply
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(socks5Request(1, "proxied.test", http.port()));
            both.writeBytes(
                    "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(both.toByteArray());
            assertThat(socks5Reply(s)[0]).isZero();
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(body(s.getInputStream(), response)).isEqualTo("hello from origin");
        }
        try (Socket s = connect(proxy())) {
            s.getOutputStream()
                    .write(("CONNECT " + origin() + " HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n"
                                    + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(200);
            ProxyClients.Response response = readHead(s.getInputStream());
            assertThat(body(s.getInputStream(), response)).isEqualTo("hello from origin");
        }
    }

    @Test
    void udpAssociateRoundTripByIpAndByName() throws Exception {
        try (Socket control = connect(proxy());
                DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(5000);
            assertThat(socks5Greeting(control, 0)).isZero();
            control.getOutputStream().write(socks5Request(3, "0.0.0.0", 0));
            int[] reply = socks5Reply(control);
            assertThat(reply[0]).isZero();
            InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), reply[1]);
            for (String host : List.of("127.0.0.1", "proxied.test")) {
                byte[] datagram = udpDatagram(host, echo.port(), "ping via " + host);
                udp.send(new DatagramPacket(datagram, datagram.length, relay));
                DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
                udp.receive(answer);
                byte[] expectedHeader = udpDatagram("127.0.0.1", echo.port(), "");
                byte[] got = java.util.Arrays.copyOf(answer.getData(), answer.getLength());
                assertThat(java.util.Arrays.copyOf(got, expectedHeader.length)).isEqualTo(expectedHeader);
                assertThat(new String(
                                got,
                                expectedHeader.length,
                                got.length - expectedHeader.length,
                                StandardCharsets.US_ASCII))
                        .isEqualTo("ping via " + host);
            }
        }
        assertThat(dialled).anySatisfy(m -> assertThat(m.network()).isEqualTo(Network.UDP));
    }

    static byte[] udpDatagram(String host, int port, String payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(0);
        b.write(0);
        ProxyClients.writeAddress(b, host, port);
        b.writeBytes(payload.getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    @Test
    void routingByRuleSetBlocksOneAndSendsAnotherDirectWithTheRuleSetInTheMetadata() throws Exception {
        try (Socket s = connect(proxy())) {
            assertThat(socks5Connect(s, "x.blocked.test", 80))
                    .as("connection not allowed by ruleset")
                    .isEqualTo(2);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = connect(proxy())) {
            assertThat(httpConnect(s, "x.blocked.test:443", "").status()).isEqualTo(403);
        }
        dialled.clear();
        try (Socket s = connect(proxy())) {
            assertThat(socks5Connect(s, "video.proxied.test", http.port())).isZero();
            get(s, "/hello");
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(200);
        }
        assertThat(dialled).singleElement().satisfies(m -> {
            assertThat(m.matchedRuleSet()).isEqualTo("geosite-video");
            assertThat(m.inboundTag()).isEqualTo("mixed-in");
            assertThat(m.external()).isTrue();
            assertThat(m.source().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        });
        assertThat(RecordingDirect.byOutbound).containsEntry("video.proxied.test", "video");
    }

    @Test
    void refusedAuthenticationsAreLoggedWithTheClientAndUserButNoPasswordAndRateLimited() throws Exception {
        // an inbound of its own: the log's one-second window is not shared with other tests
        try (Engine guarded = Engine.builder(
                                ConfigLoader.parse(
                                        "{\"inbounds\": [{\"type\": \"mixed\","
                                                + " \"listen\": \"127.0.0.1\", \"users\": [{\"username\": \"alice\", \"password\": \"s3cret\"}]}]}"))
                        .start();
                io.github.proxycore.testing.LogRecorder.Capture log = io.github.proxycore.testing.LogRecorder.capture(
                        "io.github.proxycore.mixed", org.slf4j.event.Level.INFO)) {
            InetSocketAddress proxy = guarded.inbounds().get(0).localAddress();
            String local;
            try (Socket s = connect(proxy)) {
                local = s.getLocalSocketAddress().toString();
                assertThat(socks5Greeting(s, 2)).isEqualTo(2);
                assertThat(socks5Login(s, "mallory\r\nFORGED", "hunter2")).isNotZero();
            }
            for (int i = 0; i < 5; i++) { // within the same second: counted, not logged
                try (Socket s = connect(proxy)) {
                    assertThat(socks5Greeting(s, 2)).isEqualTo(2);
                    assertThat(socks5Login(s, "mallory", "guess" + i)).isNotZero();
                }
            }
            assertThat(log.lines())
                    .filteredOn(line -> line.contains("authentication refused"))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("socks5", "user \"mallory\\x0d\\x0aFORGED\"", local.replace("/", ""))
                    .doesNotContain("hunter2");
            assertThat(String.join("\n", log.lines())).doesNotContain("hunter2").doesNotContain("guess");
        }
    }

    @Test
    void socks5UsernameAndPassword() throws Exception {
        InetSocketAddress proxy = authEngine.inbounds().get(0).localAddress();
        try (Socket s = connect(proxy)) {
            assertThat(socks5Greeting(s, 0))
                    .as("no-auth only: no acceptable method")
                    .isEqualTo(0xff);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = connect(proxy)) {
            assertThat(socks5Greeting(s, 0, 2)).isEqualTo(2);
            assertThat(socks5Login(s, "alice", "wrong"))
                    .as("RFC 1929: any non-zero status is a failure")
                    .isNotZero();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = connect(proxy)) {
            assertThat(socks5Greeting(s, 2)).isEqualTo(2);
            assertThat(socks5Login(s, "alice", "s3cret")).isZero();
            s.getOutputStream().write(socks5Request(1, "proxied.test", http.port()));
            assertThat(socks5Reply(s)[0]).isZero();
            get(s, "/hello");
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(200);
        }
        try (Socket s = connect(proxy)) {
            assertThat(socks4Connect(s, 1, "127.0.0.1", http.port()))
                    .as("SOCKS4 has no password")
                    .isEqualTo(0x5b);
        }
    }

    @Test
    void httpProxyAuthentication() throws Exception {
        InetSocketAddress proxy = authEngine.inbounds().get(0).localAddress();
        try (Socket s = connect(proxy)) {
            ProxyClients.Response response = httpConnect(s, origin(), "");
            assertThat(response.status()).isEqualTo(407);
            assertThat(response.header("Proxy-Authenticate")).isEqualTo("Basic realm=\"proxycore\"");
        }
        String wrong = Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8));
        try (Socket s = connect(proxy)) {
            assertThat(httpConnect(s, origin(), "Proxy-Authorization: Basic " + wrong + "\r\n")
                            .status())
                    .isEqualTo(407);
        }
        String right = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        try (Socket s = connect(proxy)) {
            assertThat(httpConnect(s, origin(), "Proxy-Authorization: Basic " + right + "\r\n")
                            .status())
                    .isEqualTo(200);
            get(s, "/hello");
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(200);
        }
    }

    @Test
    void aNameWithControlCharactersIsRefusedAndNothingForgedReachesTheLog() throws Exception {
        try (io.github.proxycore.testing.LogRecorder.Capture log =
                io.github.proxycore.testing.LogRecorder.capture("io.github.proxycore", org.slf4j.event.Level.TRACE)) {
            // SOCKS5: general failure, and the connection ends
            try (Socket s = connect(proxy())) {
                assertThat(socks5Greeting(s, 0)).isZero();
                s.getOutputStream().write(socks5Request(1, "evil.test\r\n12:00:00 [INFO] FORGED", 80));
                assertThat(socks5Reply(s)[0]).isEqualTo(1);
                assertThat(drain(s.getInputStream())).isEqualTo(-1);
            }
            // SOCKS4a: rejected
            try (Socket s = connect(proxy())) {
                assertThat(socks4Connect(s, 1, "evil.test\nFORGED", 80)).isEqualTo(0x5b);
            }
            // HTTP: a NUL in the authority is a 400 (CR and LF cannot be in a request line)
            try (Socket s = connect(proxy())) {
                s.getOutputStream()
                        .write("CONNECT evil\u0000FORGED:80 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(readHead(s.getInputStream()).status()).isEqualTo(400);
            }
            assertThat(log.lines()).noneMatch(line -> line.contains("FORGED") && !line.contains("evil"));
            assertThat(log.lines()).noneMatch(line -> line.contains("\n") || line.contains("\r"));
        }
    }

    @Test
    void badInputGetsTheProtocolsErrorOrACloseAndNothingElseBreaks() throws Exception {
        // garbage is not SOCKS, so it is read as HTTP, and it is not HTTP either
        try (Socket s = connect(proxy())) {
            s.getOutputStream().write(new byte[] {(byte) 0xde, (byte) 0xad, 0x0d, 0x0a, 0x0d, 0x0a});
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(400);
            assertThat(drain(s.getInputStream())).isEqualTo(-1);
        }
        // one byte that can begin no protocol: answered at once, not at the handshake deadline
        try (Socket s = connect(proxy())) {
            s.getOutputStream().write(0);
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(400);
            assertThat(drain(s.getInputStream())).isEqualTo(-1);
        }
        // SOCKS5 BIND: command not supported
        try (Socket s = connect(proxy())) {
            assertThat(socks5Greeting(s, 0)).isZero();
            s.getOutputStream().write(socks5Request(2, "127.0.0.1", 80));
            assertThat(socks5Reply(s)[0]).isEqualTo(7);
            assertThat(drain(s.getInputStream())).isEqualTo(-1);
        }
        // SOCKS5 with an unknown address type
        try (Socket s = connect(proxy())) {
            assertThat(socks5Greeting(s, 0)).isZero();
            s.getOutputStream().write(new byte[] {5, 1, 0, 9, 1, 2, 3, 4, 0, 80});
            assertThat(socks5Reply(s)[0]).isEqualTo(8);
            assertThat(drain(s.getInputStream())).isEqualTo(-1);
        }
        // SOCKS4 BIND
        try (Socket s = connect(proxy())) {
            assertThat(socks4Connect(s, 2, "127.0.0.1", 80)).isEqualTo(0x5b);
        }
        // an HTTP request that is not a proxy request, and one of a version we do not speak
        try (Socket s = connect(proxy())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(400);
        }
        try (Socket s = connect(proxy())) {
            s.getOutputStream().write("GET http://x/ HTTP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(505);
        }
        // a request head that never ends
        try (Socket s = connect(proxy())) {
            byte[] line = ("X-Filler: " + "a".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write("GET http://x/ HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 70; i++) {
                s.getOutputStream().write(line);
            }
            assertThat(readHead(s.getInputStream()).status()).isEqualTo(431);
        } catch (java.net.SocketException reset) {
            // the proxy may close while the rest is still being written; the 431 was the point, but a reset is allowed
        }
        // truncated requests, then the client goes away
        for (byte[] partial : List.of(
                new byte[] {5},
                new byte[] {5, 1, 0, 5, 1, 0, 3, 20, 'a'},
                new byte[] {4, 1, 0},
                "CONNECT proxied".getBytes(StandardCharsets.US_ASCII))) {
            try (Socket s = connect(proxy())) {
                s.getOutputStream().write(partial);
            }
        }
        // and the proxy still serves
        socks5ConnectToAnIp();
    }

    @Test
    void aDialThatIsAlreadyCompleteWhenReturnedStillServesEveryProtocol() throws Exception {
        // found by stress: a dial future that is done when the inbound adds its listener runs the listener inline,
        // inside the protocol handler that is still reading the request
        try (io.github.proxycore.outbound.Transport other = io.github.proxycore.outbound.Transport.create(1);
                Engine instant = Engine.builder(
                                ConfigLoader.parse("{\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\","
                                        + " \"listen\": \"127.0.0.1\", \"listen_port\": 0}]}"))
                        .outboundFactory(new AlreadyDialled(other))
                        .start()) {
            InetSocketAddress proxy = instant.inbound("in").localAddress();
            for (int i = 0; i < 3; i++) {
                try (Socket s = connect(proxy)) {
                    s.getOutputStream()
                            .write(("GET http://127.0.0.1:" + http.port() + "/hello HTTP/1.1\r\nHost: x\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    ProxyClients.Response response = readHead(s.getInputStream());
                    assertThat(body(s.getInputStream(), response)).isEqualTo("hello from origin");
                }
                try (Socket s = connect(proxy)) {
                    assertThat(socks5Connect(s, "127.0.0.1", http.port())).isZero();
                    get(s, "/hello");
                    assertThat(readHead(s.getInputStream()).status()).isEqualTo(200);
                }
                try (Socket s = connect(proxy)) {
                    assertThat(httpConnect(s, "127.0.0.1:" + http.port(), "").status())
                            .isEqualTo(200);
                    get(s, "/hello");
                    assertThat(readHead(s.getInputStream()).status()).isEqualTo(200);
                }
            }
        }
    }

    /** "direct" whose dial returns an already completed future (it connects on its own transport and waits). */
    static final class AlreadyDialled extends DecoratedDirect {
        private final io.github.proxycore.outbound.Transport transport;

        AlreadyDialled(io.github.proxycore.outbound.Transport transport) {
            this.transport = transport;
        }

        @Override
        OutboundContext context(OutboundContext engines) {
            return OutboundContext.of(transport);
        }

        @Override
        Future<Channel> dial(Outbound direct, Destination destination, Metadata metadata) {
            // a test-only shortcut: the connect runs on another transport's loop, so waiting here is bounded
            return direct.dial(destination, metadata).awaitUninterruptibly();
        }
    }

    private static int drain(InputStream in) throws Exception {
        int c;
        while ((c = in.read()) >= 0) {
            // skip the rest of an error reply
        }
        return c;
    }

    /** "direct", recording the metadata of every dial and which outbound tag served which destination. */
    static final class RecordingDirect extends DecoratedDirect {
        static final Map<String, String> byOutbound = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        Future<Channel> dial(Outbound direct, Destination destination, Metadata metadata) {
            dialled.add(metadata);
            byOutbound.put(destination.host(), direct.tag());
            return direct.dial(destination, metadata);
        }

        @Override
        Future<Channel> listenPacket(Outbound direct, Destination destination, Metadata metadata) {
            dialled.add(metadata);
            return direct.listenPacket(destination, metadata);
        }
    }

    /** "direct", with its dials passed through {@link #dial} and {@link #listenPacket}. */
    abstract static class DecoratedDirect implements OutboundFactory {
        @Override
        public String type() {
            return DirectOutboundOptions.TYPE;
        }

        /** The context direct runs in: the engine's unless overridden. */
        OutboundContext context(OutboundContext engines) {
            return engines;
        }

        abstract Future<Channel> dial(Outbound direct, Destination destination, Metadata metadata);

        Future<Channel> listenPacket(Outbound direct, Destination destination, Metadata metadata) {
            return direct.listenPacket(destination, metadata);
        }

        @Override
        public Outbound create(OutboundOptions options, OutboundContext context) {
            Outbound direct = DirectOutbound.create((DirectOutboundOptions) options, context(context));
            return new Outbound() {
                @Override
                public String tag() {
                    return direct.tag();
                }

                @Override
                public String type() {
                    return direct.type();
                }

                @Override
                public Set<Network> networks() {
                    return direct.networks();
                }

                @Override
                public Future<Channel> dial(Destination destination, Metadata metadata) {
                    return DecoratedDirect.this.dial(direct, destination, metadata);
                }

                @Override
                public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
                    return DecoratedDirect.this.listenPacket(direct, destination, metadata);
                }
            };
        }
    }

    /** A port nothing listens on. */
    static final class DirectPorts {
        static int unused() throws Exception {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
                return socket.getLocalPort();
            }
        }
    }
}
