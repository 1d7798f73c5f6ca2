package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.internal.AuthHandler;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.LogRecorder;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** A connection that never authenticates is closed after the server's auth timeout, logged in Go syntax. */
class AuthTimeoutTest {

    @Test
    void aSilentConnectionIsClosedAfterTheAuthTimeout() throws Exception {
        try (Transport transport = Transport.create(1);
                LogRecorder.Capture logs = LogRecorder.capture(AuthHandler.class, Level.DEBUG)) {
            SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
            AnyTlsServer server = AnyTlsServer.builder()
                    .user("tester", Loopback.PASSWORD)
                    .certificate(cert)
                    .transport(transport)
                    .authTimeout(Duration.ofMillis(200))
                    .bind(Loopback.loopback(0));
            try (Socket socket = new Socket(
                    server.localAddress().getAddress(), server.localAddress().getPort())) {
                socket.setSoTimeout(10_000);
                InputStream in = socket.getInputStream();
                assertThat(in.read()).as("closed by the server").isEqualTo(-1);
            } finally {
                server.close();
            }
            assertThat(logs.containing("no authentication within"))
                    .singleElement()
                    .asString()
                    .endsWith("no authentication within 200ms, closing");
        }
    }
}
