package io.github.proxycore.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two configurations run by the command line's engine, as a user would write them: an AnyTLS server (certificate
 * and key files) and a client whose mixed inbound routes to an anytls outbound pinning that certificate. curl goes
 * through the whole path to a local web server.
 */
class AnyTlsEndToEndTest {

    @Test
    void curlThroughMixedInboundAnytlsOutboundAndAnytlsInbound(@TempDir Path dir) throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute(), "curl is not installed");
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        List<Path> files = cert.writeTo(dir, "server");
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine server = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"anytls\", \"tag\": \"anytls-in\", \"listen\": \"127.0.0.1\","
                                + "  \"listen_port\": 0, \"users\": [{\"name\": \"alice\", \"password\": \"s3cret\"}],"
                                + "  \"tls\": {\"certificate_path\": \"" + files.get(0) + "\", \"key_path\": \""
                                + files.get(1) + "\"}}],"
                                + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}]}"))
                        .start()) {
            int serverPort = server.inbound("anytls-in").localAddress().getPort();
            try (Engine client = Engine.builder(ConfigLoader.parse("{"
                            + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"mixed-in\", \"listen\": \"127.0.0.1\", \"listen_port\": 0}],"
                            + "\"outbounds\": [{\"type\": \"anytls\", \"tag\": \"proxy\", \"server\": \"127.0.0.1\","
                            + "  \"server_port\": " + serverPort + ", \"password\": \"s3cret\","
                            + "  \"tls\": {\"server_name\": \"localhost\", \"certificate_path\": \"" + files.get(0)
                            + "\"}}],"
                            + "\"route\": {\"final\": \"proxy\"}}"))
                    .start()) {
                int proxyPort = client.inbound("mixed-in").localAddress().getPort();
                for (String proxy : List.of("socks5h://127.0.0.1:" + proxyPort, "http://127.0.0.1:" + proxyPort)) {
                    Process curl = new ProcessBuilder(
                                    "curl",
                                    "-sS",
                                    "--max-time",
                                    "20",
                                    "-x",
                                    proxy,
                                    "http://127.0.0.1:" + http.port() + "/hello")
                            .redirectErrorStream(true)
                            .start();
                    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(output).as("through %s", proxy).isEqualTo("hello from origin");
                }
            }
        }
        assertThat(Files.readString(dir.resolve("server.key"), StandardCharsets.US_ASCII))
                .contains("PRIVATE KEY");
    }
}
