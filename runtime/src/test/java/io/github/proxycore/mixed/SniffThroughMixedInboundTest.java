package io.github.proxycore.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.ClientHellos;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that connect by IP through SOCKS5 are routed by the name sniffed from their first bytes (a TLS
 * ClientHello's SNI, an HTTP Host header), with the rule action {@code sniff} and with the legacy inbound fields;
 * the first bytes reach the destination untouched (an echo server sends them back).
 */
class SniffThroughMixedInboundTest {
    private static ServerSocket echo;
    private static Thread echoThread;
    private static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> serveEcho(echo), "echo");
        echoThread.setDaemon(true);
        echoThread.start();
        engine = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"rules\", \"listen\": \"127.0.0.1\"},"
                        + "  {\"type\": \"mixed\", \"tag\": \"legacy\", \"listen\": \"127.0.0.1\", \"sniff\": true,"
                        + "   \"sniff_timeout\": \"2s\"}],"
                        + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}, {\"type\": \"block\", \"tag\": \"block\"}],"
                        + "\"route\": {\"rules\": ["
                        + "  {\"inbound\": \"rules\", \"action\": \"sniff\", \"timeout\": \"2s\"},"
                        + "  {\"domain_suffix\": \"blocked.example\", \"action\": \"reject\"},"
                        + "  {\"domain\": \"legacy-blocked.example\", \"outbound\": \"block\"}],"
                        + "  \"final\": \"direct\"}}"))
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        engine.close();
        echo.close();
    }

    /** Echoes every connection {@code echo} accepts, a thread each, until it closes. */
    static void serveEcho(ServerSocket echo) {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException ignored) {
                        // the client went away
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Connects through the inbound to the echo server by IP, sends {@code first} in {@code pieces} writes, and
     * returns what comes back (up to its length), or {@code null} if the proxy closed the connection.
     */
    private static byte[] through(String inbound, byte[] first, int pieces) throws Exception {
        InetSocketAddress proxy = engine.inbound(inbound).localAddress();
        try (Socket s = new Socket(proxy.getAddress(), proxy.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(new byte[] {5, 1, 0});
            assertThat(in.readNBytes(2)).containsExactly(5, 0);
            int port = echo.getLocalPort();
            out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
            byte[] reply = in.readNBytes(10);
            assertThat(reply[1]).as("SOCKS5 reply").isEqualTo((byte) 0);
            int step = (first.length + pieces - 1) / pieces;
            for (int p = 0; p < first.length; p += step) {
                out.write(first, p, Math.min(step, first.length - p));
                out.flush();
            }
            return readUpTo(in, first.length);
        }
    }

    private static byte[] readUpTo(InputStream in, int length) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (got.size() < length) {
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketException reset) {
                n = -1;
            }
            if (n < 0) {
                return null;
            }
            got.write(buffer, 0, n);
        }
        return got.toByteArray();
    }

    @Test
    void tlsServerNameRoutesAConnectionMadeByIp() throws Exception {
        byte[] allowed = ClientHellos.record("www.allowed.example");
        assertThat(through("rules", allowed, 1)).isEqualTo(allowed);
        assertThat(through("rules", allowed, 7)).as("split over segments").isEqualTo(allowed);
        assertThat(through("rules", ClientHellos.record("cdn.blocked.example"), 3))
                .isNull();
    }

    @Test
    void httpHostRoutesAConnectionMadeByIp() throws Exception {
        byte[] allowed = "GET / HTTP/1.1\r\nHost: allowed.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(through("rules", allowed, 2)).isEqualTo(allowed);
        byte[] blocked = "GET / HTTP/1.1\r\nHost: blocked.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(through("rules", blocked, 1)).isNull();
    }

    @Test
    void bytesNoSnifferKnowsGoThroughUntouched() throws Exception {
        byte[] ssh = "SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(through("rules", ssh, 1)).isEqualTo(ssh);
    }

    @Test
    void legacyInboundSniffFields() throws Exception {
        assertThat(through("legacy", ClientHellos.record("legacy-blocked.example"), 2))
                .isNull();
        byte[] allowed = ClientHellos.record("legacy-allowed.example");
        assertThat(through("legacy", allowed, 2)).isEqualTo(allowed);
    }
}
