package io.github.proxycore.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.runtime.Engine;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A proxy restarted right after it closed connections itself binds its port again: the server's side of those
 * connections waits in TIME_WAIT, which only SO_REUSEADDR lets a new listener ignore (operators saw "Address already
 * in use" for a minute).
 */
class RestartOnTheSamePortTest {
    @Test
    void aRestartAfterServerSideClosesBindsTheSamePort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String config = "{\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                + " \"listen_port\": " + port + "}]}";
        try (Engine first = Engine.builder(ConfigLoader.parse(config)).start()) {
            for (int i = 0; i < 3; i++) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(10_000);
                    // not a proxy request: the server answers 400 and closes first
                    client.getOutputStream()
                            .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(client.getInputStream().readAllBytes()).isNotEmpty();
                }
            }
        }
        try (Engine second = Engine.builder(ConfigLoader.parse(config)).start()) {
            assertThat(second.inbound("in").localAddress().getPort()).isEqualTo(port);
        }
    }
}
