package io.github.proxycore.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.AnyTlsOutbound;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.LoadBalanceSnapshot;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.loadbalance.Tier;
import io.github.proxycore.outbound.BlockingConnection;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DestinationException;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.testing.LocalHttpServer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load balancer over AnyTLS members and this project's AnyTLS server, all on 127.0.0.1: a destination that refuses
 * is the caller's failure, not the members' (docs/loadbalance.md, health checks).
 */
class LoadBalanceOverAnyTlsTest {

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRequestToAClosedPortTakesNoMemberOutOfThePool(@TempDir Path dir) throws Exception {
        List<Path> files = SelfSignedCertificate.forLoopback().writeTo(dir, "server");
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine server = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"anytls\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                                + "  \"listen_port\": 0, \"users\": [{\"name\": \"u\", \"password\": \"pw\"}],"
                                + "  \"tls\": {\"certificate_path\": \"" + files.get(0) + "\", \"key_path\": \""
                                + files.get(1) + "\"}}],"
                                + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}]}"))
                        .start()) {
            int port = server.inbound("in").localAddress().getPort();
            StringBuilder members = new StringBuilder();
            for (String tag : List.of("p1", "p2", "p3", "b1")) {
                members.append(", {\"type\": \"anytls\", \"tag\": \"")
                        .append(tag)
                        .append("\", \"server\": \"127.0.0.1\", \"server_port\": ")
                        .append(port)
                        .append(", \"password\": \"pw\", \"tls\": {\"server_name\": \"localhost\", ")
                        .append("\"certificate_path\": \"")
                        .append(files.get(0))
                        .append("\"}}");
            }
            try (Engine client = Engine.builder(ConfigLoader.parse("{\"outbounds\": ["
                            + "{\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"p1\", \"p2\", \"p3\"],"
                            + " \"backup_outbounds\": [\"b1\"], \"url\": \"http://127.0.0.1:" + http.port()
                            + "/generate_204\", \"interval\": \"1h\", \"strategy\": \"random\","
                            + " \"hysteresis\": {\"primary_failures\": 1}}"
                            + members + "]}"))
                    .start()) {
                LoadBalanceOutbound lb =
                        (LoadBalanceOutbound) client.outbounds().get("lb");
                assertThat(lb.checkNow().get(20, TimeUnit.SECONDS)).allMatch(r -> r.isSuccess(), "every check passes");

                Destination closed = Destination.of("127.0.0.1", closedPort());
                Future<Channel> refused = lb.dial(closed, Metadata.internal(Network.TCP, closed));
                assertThat(refused.await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(refused.cause())
                        .isInstanceOf(DialException.class)
                        .hasMessageContaining("remote: ")
                        .hasMessageNotContaining("members failed");
                assertThat(DestinationException.isCauseOf(refused.cause())).isTrue();

                // no member was blamed, no tier moved: with primary_failures 1 a single primary failure would
                // have switched to the backup
                LoadBalanceSnapshot after = lb.snapshot();
                assertThat(after.members())
                        .allSatisfy(m -> assertThat(m.health()).isEqualTo(MemberHealth.HEALTHY));
                assertThat(after.activeMembers()).containsExactly("p1", "p2", "p3");
                assertThat(after.state()).isEqualTo(Tier.PRIMARY);
                assertThat(after.consecutivePrimaryFailures()).isZero();

                long backupStreams = streams(client, "b1");
                long primaryStreams = streams(client, "p1") + streams(client, "p2") + streams(client, "p3");
                URI origin = URI.create("http://127.0.0.1:" + http.port() + "/hello");
                for (int i = 0; i < 10; i++) {
                    assertThat(fetch(origin, lb)).endsWith("hello from origin");
                }
                assertThat(streams(client, "p1") + streams(client, "p2") + streams(client, "p3"))
                        .isEqualTo(primaryStreams + 10);
                assertThat(streams(client, "b1")).isEqualTo(backupStreams);
                assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
            }
        }
    }

    /** GET {@code url} through {@code outbound}; the whole response. */
    private static String fetch(URI url, Outbound outbound) throws Exception {
        Destination to = Destination.of(url.getHost(), url.getPort());
        try (BlockingConnection connection = BlockingConnection.open(
                outbound.dial(to, Metadata.internal(Network.TCP, to)), Duration.ofSeconds(10))) {
            connection
                    .output()
                    .write(("GET " + url.getPath() + " HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            connection.output().flush();
            return new String(connection.input().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static long streams(Engine engine, String tag) {
        return ((AnyTlsOutbound) engine.outbounds().get(tag)).poolStats().streamsOpened();
    }
}
