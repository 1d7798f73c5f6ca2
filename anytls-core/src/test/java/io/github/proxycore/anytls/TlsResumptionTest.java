package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Transport;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * docs/anytls.md: new sessions to the same server resume the TLS session, so pool refills cost less than a full
 * handshake. Checked under both providers (see {@code resumed}).
 */
class TlsResumptionTest {

    @Test
    void aSecondSessionResumesTheFirst() throws Exception {
        try (Transport transport = Transport.create(1)) {
            SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
            AnyTlsServer server = Loopback.server(transport, cert);
            try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert);
                    AnyTlsOutbound other = Loopback.outbound(transport, server, cert)) {
                Destination to = Destination.of(server.localAddress());
                Channel first =
                        outbound.dial(to, Metadata.internal(Network.TCP, to)).get(10, TimeUnit.SECONDS);
                Thread.sleep(20); // creation times are in milliseconds: make a full handshake's visibly later
                // the first stream is still open, so this needs a second session
                Channel second =
                        outbound.dial(to, Metadata.internal(Network.TCP, to)).get(10, TimeUnit.SECONDS);
                assertThat(second.parent()).isNotSameAs(first.parent());
                assertThat(resumed(second, first))
                        .as("the second session resumed the first")
                        .isTrue();

                // another outbound has its own TLS context: a full handshake
                Channel unrelated =
                        other.dial(to, Metadata.internal(Network.TCP, to)).get(10, TimeUnit.SECONDS);
                assertThat(resumed(unrelated, first))
                        .as("another TLS context resumed nothing")
                        .isFalse();
                first.close().sync();
                second.close().sync();
                unrelated.close().sync();
            } finally {
                server.close();
            }
        }
    }

    private static SSLSession tls(Channel stream) {
        return engine(stream).getSession();
    }

    private static SSLEngine engine(Channel stream) {
        return stream.parent().pipeline().get(SslHandler.class).engine();
    }

    /**
     * Whether {@code stream}'s TLS session resumed {@code first}'s. OpenSSL says so itself (a resumed session's creation
     * time there is the ticket's, which can be milliseconds after the handshake it came from); the JDK has no such
     * query, and keeps the resumed session's creation time.
     */
    private static boolean resumed(Channel stream, Channel first) throws ReflectiveOperationException {
        SSLEngine engine = engine(stream);
        if (engine instanceof ReferenceCountedOpenSslEngine) {
            Method reused = ReferenceCountedOpenSslEngine.class.getDeclaredMethod("isSessionReused");
            reused.setAccessible(true);
            return (boolean) reused.invoke(engine);
        }
        return tls(stream).getCreationTime() == tls(first).getCreationTime();
    }
}
