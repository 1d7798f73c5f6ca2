package io.github.proxycore.mixed;

import static io.github.proxycore.mixed.ProxyClients.connect;
import static io.github.proxycore.mixed.ProxyClients.socks5Greeting;
import static io.github.proxycore.mixed.ProxyClients.socks5Reply;
import static io.github.proxycore.mixed.ProxyClients.socks5Request;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.ClientHellos;
import io.github.proxycore.testing.QuicInitials;
import io.github.proxycore.testing.UdpEchoServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SOCKS5 UDP associations to an IP are routed by the server name sniffed from the QUIC Initial packets they send
 * first, with a {@code sniff} rule and with the legacy inbound fields; the datagrams reach the destination untouched
 * (an echo server sends them back). A name routed to {@code block} ends the association before anything is sent.
 */
class QuicSniffThroughMixedInboundTest {
    private static final byte[] DCID = {9, 8, 7, 6, 5, 4, 3, 2};
    private static UdpEchoServer echo;
    private static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        echo = UdpEchoServer.start();
        engine = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"rules\", \"listen\": \"127.0.0.1\"},"
                        + "  {\"type\": \"mixed\", \"tag\": \"legacy\", \"listen\": \"127.0.0.1\", \"sniff\": true,"
                        + "   \"sniff_timeout\": \"2s\"}],"
                        + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}, {\"type\": \"block\", \"tag\": \"block\"}],"
                        + "\"route\": {\"rules\": ["
                        + "  {\"inbound\": \"rules\", \"action\": \"sniff\", \"timeout\": \"2s\"},"
                        + "  {\"domain\": [\"quic.test\", \"legacy.quic.test\"], \"outbound\": \"block\"}],"
                        + "  \"final\": \"direct\"}}"))
                .start();
    }

    @AfterAll
    static void stop() {
        engine.close();
        echo.close();
    }

    /**
     * Sends {@code datagrams} to the echo server by IP through a UDP association on {@code inbound}; returns what
     * came back for each, or {@code null} if the proxy ended the association instead.
     */
    private static List<byte[]> through(String inbound, List<byte[]> datagrams) throws Exception {
        return through(inbound, datagrams, false);
    }

    /** Whether the proxy ends the association that sends {@code datagrams}, as a route to {@code block} does. */
    private static boolean blocked(String inbound, List<byte[]> datagrams) throws Exception {
        return through(inbound, datagrams, true) == null;
    }

    private static List<byte[]> through(String inbound, List<byte[]> datagrams, boolean expectEnd) throws Exception {
        InetSocketAddress proxy = engine.inbound(inbound).localAddress();
        try (Socket control = connect(proxy);
                DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            control.setSoTimeout(5000);
            udp.setSoTimeout(5000);
            assertThat(socks5Greeting(control, 0)).isZero();
            control.getOutputStream().write(socks5Request(3, "0.0.0.0", 0));
            int[] reply = socks5Reply(control);
            assertThat(reply[0]).isZero();
            InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), reply[1]);
            byte[] header = MixedInboundTest.udpDatagram("127.0.0.1", echo.port(), "");
            for (byte[] d : datagrams) {
                byte[] out = QuicInitials.coalesce(header, d);
                udp.send(new DatagramPacket(out, out.length, relay));
            }
            if (expectEnd) {
                // quicker than waiting out a receive timeout: the control connection closes with the association
                return control.getInputStream().read() == -1 ? null : List.of();
            }
            List<byte[]> answers = new java.util.ArrayList<>();
            for (int i = 0; i < datagrams.size(); i++) {
                DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                try {
                    udp.receive(answer);
                } catch (SocketTimeoutException e) {
                    assertThat(control.getInputStream().read())
                            .as("the association was ended")
                            .isEqualTo(-1);
                    return null;
                }
                byte[] got = Arrays.copyOf(answer.getData(), answer.getLength());
                assertThat(Arrays.copyOf(got, header.length)).isEqualTo(header);
                answers.add(Arrays.copyOfRange(got, header.length, got.length));
            }
            return answers;
        }
    }

    private static List<byte[]> initials(String host, int packets) throws Exception {
        return QuicInitials.split(QuicInitials.V1, DCID, ClientHellos.message(host), packets);
    }

    @Test
    void quicServerNameRoutesAnAssociationMadeByIp() throws Exception {
        int before = echo.packets();
        assertThat(blocked("rules", initials("quic.test", 1))).isTrue();
        assertThat(blocked("rules", initials("quic.test", 2)))
                .as("split over two datagrams")
                .isTrue();
        assertThat(echo.packets()).as("nothing reached the blocked destination").isEqualTo(before);

        List<byte[]> allowed = initials("allowed.quic.example", 2);
        assertThat(through("rules", allowed)).as("forwarded untouched").containsExactlyElementsOf(allowed);
    }

    @Test
    void datagramsNoSnifferKnowsGoThroughAtOnce() throws Exception {
        List<byte[]> dns = List.of("not quic".getBytes(StandardCharsets.US_ASCII));
        long started = System.nanoTime();
        assertThat(through("rules", dns)).containsExactlyElementsOf(dns);
        assertThat(System.nanoTime() - started)
                .as("not held for the sniff timeout")
                .isLessThan(1_500_000_000L);
    }

    @Test
    void legacyInboundSniffFields() throws Exception {
        assertThat(blocked("legacy", initials("legacy.quic.test", 1))).isTrue();
        List<byte[]> allowed = initials("legacy-allowed.quic.example", 1);
        assertThat(through("legacy", allowed)).containsExactlyElementsOf(allowed);
    }
}
