package io.github.proxycore.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.AnyTlsServer;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.LocalHttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EmbedInHostTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // closing with a dial in flight must not hang
    void aHostBuildsABalancerOverItsOwnOutboundsFetchesAndClosesWithADialInFlight() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        try (Transport serverLoops = Transport.create(1);
                LocalHttpServer http = LocalHttpServer.start("host");
                AnyTlsServer server = AnyTlsServer.builder()
                        .user("host", "secret")
                        .certificate(cert)
                        .transport(serverLoops)
                        .bind(new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < 5; i++) { // random picks: both members serve over the runs
                String response = EmbedInHost.fetch(
                        Destination.of("127.0.0.1", server.localAddress().getPort()),
                        cert.certificatePem(),
                        Destination.of("127.0.0.1", http.port()),
                        "/hello");
                assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("hello from host");
            }
        }
    }
}
