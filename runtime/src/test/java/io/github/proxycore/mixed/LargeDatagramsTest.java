package io.github.proxycore.mixed;

import static io.github.proxycore.mixed.ProxyClients.connect;
import static io.github.proxycore.mixed.ProxyClients.socks5Greeting;
import static io.github.proxycore.mixed.ProxyClients.socks5Reply;
import static io.github.proxycore.mixed.ProxyClients.socks5Request;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.TestData;
import io.github.proxycore.testing.UdpEchoServer;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Datagrams of every size class through SOCKS5 UDP ASSOCIATE, both ways, whole: via {@code direct}, and via an
 * {@code anytls} outbound (UDP over TCP) to an {@code anytls} inbound. The client side runs over ::1, where a
 * 65,507-byte payload still fits behind the SOCKS header; the destination is an echo server on 127.0.0.1.
 */
class LargeDatagramsTest {
    @TempDir
    static Path dir;

    private static UdpEchoServer echo;
    private static Engine direct;
    private static Engine anytlsServer;
    private static Engine anytlsClient;

    @BeforeAll
    static void start() throws Exception {
        echo = UdpEchoServer.start();
        direct = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"::1\", \"listen_port\": 0}],"
                        + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}]}"))
                .start();
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        List<Path> files = cert.writeTo(dir, "server");
        anytlsServer = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"anytls\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                        + "  \"listen_port\": 0, \"users\": [{\"name\": \"alice\", \"password\": \"s3cret\"}],"
                        + "  \"tls\": {\"certificate_path\": \"" + files.get(0) + "\", \"key_path\": \"" + files.get(1)
                        + "\"}}],"
                        + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}]}"))
                .start();
        int serverPort = anytlsServer.inbound("in").localAddress().getPort();
        anytlsClient = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"::1\", \"listen_port\": 0}],"
                        + "\"outbounds\": [{\"type\": \"anytls\", \"tag\": \"proxy\", \"server\": \"127.0.0.1\","
                        + "  \"server_port\": " + serverPort + ", \"password\": \"s3cret\","
                        + "  \"tls\": {\"certificate_path\": \"" + files.get(0) + "\"}}]}"))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        anytlsClient.close();
        anytlsServer.close();
        direct.close();
        echo.close();
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @CsvSource({
        "direct, 1200", "direct, 3000", "direct, 8000", "direct, 16000", "direct, 65507",
        "anytls, 1200", "anytls, 3000", "anytls, 8000", "anytls, 16000", "anytls, 65507"
    })
    void aDatagramPassesWholeBothWays(String path, int size) throws Exception {
        Engine engine = path.equals("direct") ? direct : anytlsClient;
        InetSocketAddress proxy = engine.inbound("in").localAddress();
        byte[] payload = new byte[size];
        TestData.fill(size, 0, payload, size);
        try (Socket control = connect(proxy);
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(proxy.getAddress(), 0))) {
            udp.setSoTimeout(3000);
            udp.setReceiveBufferSize(1 << 20);
            assertThat(socks5Greeting(control, 0)).isZero();
            control.getOutputStream().write(socks5Request(3, "::", 0));
            int[] reply = socks5Reply(control);
            assertThat(reply[0]).isZero();
            InetSocketAddress relay = new InetSocketAddress(proxy.getAddress(), reply[1]);
            byte[] header = header("127.0.0.1", echo.port());
            byte[] datagram = Arrays.copyOf(header, header.length + size);
            System.arraycopy(payload, 0, datagram, header.length, size);

            byte[] answer = null;
            // UDP may drop even on loopback: a few tries, each a whole round trip
            for (int attempt = 0; attempt < 3 && answer == null; attempt++) {
                udp.send(new DatagramPacket(datagram, datagram.length, relay));
                DatagramPacket received = new DatagramPacket(new byte[70_000], 70_000);
                try {
                    udp.receive(received);
                    answer = Arrays.copyOf(received.getData(), received.getLength());
                } catch (SocketTimeoutException e) {
                    // try again
                }
            }
            assertThat(answer).as("an answer through %s", path).isNotNull();
            assertThat(answer.length).isEqualTo(header.length + size);
            assertThat(Arrays.copyOf(answer, header.length)).isEqualTo(header);
            assertThat(Arrays.copyOfRange(answer, header.length, answer.length))
                    .as("the payload, byte for byte")
                    .isEqualTo(payload);
        }
    }

    /** The SOCKS5 UDP request header (RSV, FRAG 0, address) for an IPv4 destination. */
    private static byte[] header(String ip, int port) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(0);
        b.write(0);
        b.write(1);
        b.writeBytes(InetAddress.getByName(ip).getAddress());
        b.write(port >> 8);
        b.write(port);
        return b.toByteArray();
    }
}
