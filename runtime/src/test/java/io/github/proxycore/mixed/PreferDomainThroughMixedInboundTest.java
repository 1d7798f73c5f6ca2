package io.github.proxycore.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.HostResolver;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.ClientHellos;
import io.github.proxycore.testing.LocalHttpServer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * {@code prefer_domain}: a client connects by IP, the mixed inbound sniffs the TLS server name, and the load
 * balancer hands its member the name instead of the address (the member resolves it, here through the engine's
 * injected resolver).
 */
class PreferDomainThroughMixedInboundTest {
    private static final ConcurrentLinkedQueue<Destination> external = new ConcurrentLinkedQueue<>();

    @Test
    void aLoadBalanceMemberGetsTheSniffedNameInsteadOfTheAddress() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                LocalHttpServer health = LocalHttpServer.start("health")) {
            Thread echoThread = new Thread(() -> SniffThroughMixedInboundTest.serveEcho(echo), "echo");
            echoThread.setDaemon(true);
            echoThread.start();
            try (Engine engine = Engine.builder(
                            ConfigLoader.parse(
                                    "{"
                                            + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\"}],"
                                            + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"m1\"}, {\"type\": \"direct\", \"tag\": \"m2\"},"
                                            + "  {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"m1\", \"m2\"],"
                                            + "   \"url\": \"http://127.0.0.1:" + health.port()
                                            + "/\", \"strategy\": \"random\","
                                            + "   \"prefer_domain\": true}],"
                                            + "\"route\": {\"rules\": [{\"action\": \"sniff\", \"timeout\": \"2s\"}], \"final\": \"lb\"}}"))
                    .resolver(HostResolver.of(Map.of("named.example", List.of(InetAddress.getByName("127.0.0.1")))))
                    .outboundFactory(new RecordingDirect())
                    .start()) {
                InetSocketAddress proxy = engine.inbound("in").localAddress();
                byte[] hello = ClientHellos.record("named.example");
                assertThat(through(proxy, echo.getLocalPort(), hello)).isEqualTo(hello);
                assertThat(external).containsExactly(Destination.of("named.example", echo.getLocalPort()));

                external.clear();
                byte[] ssh = "SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII);
                assertThat(through(proxy, echo.getLocalPort(), ssh)).isEqualTo(ssh);
                assertThat(external)
                        .as("nothing sniffed: the address stays")
                        .containsExactly(Destination.of("127.0.0.1", echo.getLocalPort()));
            }
        }
    }

    /** SOCKS5 CONNECT by IP to the echo server, {@code first} sent, as many bytes read back. */
    private static byte[] through(InetSocketAddress proxy, int port, byte[] first) throws IOException {
        try (Socket s = new Socket(proxy.getAddress(), proxy.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(new byte[] {5, 1, 0});
            assertThat(in.readNBytes(2)).containsExactly(5, 0);
            out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
            assertThat(in.readNBytes(10)[1]).as("SOCKS5 reply").isZero();
            out.write(first);
            out.flush();
            return in.readNBytes(first.length);
        }
    }

    /** direct, recording the destinations of the dials that come from an inbound (not the health checks). */
    private static final class RecordingDirect extends MixedInboundTest.DecoratedDirect {
        @Override
        Future<Channel> dial(Outbound direct, Destination destination, Metadata metadata) {
            if (metadata.external()) {
                external.add(destination);
            }
            return direct.dial(destination, metadata);
        }
    }
}
