package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Transport;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * docs/anytls.md: new sessions to the same server resume the TLS session, so pool refills cost less than a full
 * handshake. With the JDK provider a resumed TLS 1.3 session keeps the creation time of the session it resumes; a full
 * handshake gets a new one.
 */
class TlsResumptionTest {

    @Test
    void aSecondSessionResumesTheFirst() throws Exception {
        try (Transport transport = Transport.create(1)) {
            SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
            AnyTlsServer server = Loopback.server(transport, cert);
            try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert);
                    AnyTlsOutbound other = Loopback.outbound(transport, server, cert)) {
                Destination to = Destination.of((InetSocketAddress) server.localAddress());
                Channel first =
                        outbound.dial(to, Metadata.internal(Network.TCP, to)).get(10, TimeUnit.SECONDS);
                Thread.sleep(20); // creation times are in milliseconds: make a full handshake's visibly later
                // the first stream is still open, so this needs a second session
                Channel second =
                        outbound.dial(to, Metadata.internal(Network.TCP, to)).get(10, TimeUnit.SECONDS);
                assertThat(second.parent()).isNotSameAs(first.parent());
                assertThat(tls(second).getCreationTime()).isEqualTo(tls(first).getCreationTime());

                // another outbound has its own TLS context: a full handshake
                Channel unrelated =
                        other.dial(to, Metadata.internal(Network.TCP, to)).get(10, TimeUnit.SECONDS);
                assertThat(tls(unrelated).getCreationTime())
                        .isNotEqualTo(tls(first).getCreationTime());
                first.close().sync();
                second.close().sync();
                unrelated.close().sync();
            } finally {
                server.close();
            }
        }
    }

    private static SSLSession tls(Channel stream) {
        return stream.parent().pipeline().get(SslHandler.class).engine().getSession();
    }
}
