package io.github.proxycore.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * curl connecting by IP ({@code --socks5}, names resolved by curl itself, {@code --resolve} for TLS) is routed by the
 * name the mixed inbound sniffs: the HTTP Host header, the TLS server name.
 */
class CurlSniffTest {
    /** Sniffed names of the connections that reached "direct". */
    private static final ConcurrentLinkedQueue<String> sniffed = new ConcurrentLinkedQueue<>();

    private static LocalHttpServer http;
    private static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute(), "curl is not installed");
        http = LocalHttpServer.start("origin");
        engine = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\"}],"
                        + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}, {\"type\": \"block\", \"tag\": \"block\"}],"
                        + "\"route\": {\"rules\": [{\"action\": \"sniff\", \"timeout\": \"2s\"},"
                        + "  {\"domain_suffix\": \"blocked.test\", \"outbound\": \"block\"}], \"final\": \"direct\"}}"))
                .outboundFactory(new MixedInboundTest.DecoratedDirect() {
                    @Override
                    Future<Channel> dial(Outbound direct, Destination destination, Metadata metadata) {
                        if (metadata.external()) {
                            sniffed.add(String.valueOf(metadata.sniffedDomain()));
                        }
                        return direct.dial(destination, metadata);
                    }
                })
                .start();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
            http.close();
        }
    }

    /** curl through the inbound with SOCKS5 (curl resolves names, the proxy sees an IP); its exit and output. */
    private static Object[] curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--max-time",
                "10",
                "--socks5",
                "127.0.0.1:" + engine.inbound("in").localAddress().getPort()));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Object[] {curl.exitValue(), output};
    }

    @Test
    void theHttpHostRoutesARequestMadeByIp() throws Exception {
        sniffed.clear();
        Object[] allowed = curl("-H", "Host: allowed.test", "http://127.0.0.1:" + http.port() + "/hello");
        assertThat(allowed[0]).as("%s", allowed[1]).isEqualTo(0);
        assertThat((String) allowed[1]).isEqualTo("hello from origin");
        assertThat(sniffed).containsExactly("allowed.test");

        sniffed.clear();
        Object[] blocked = curl("-H", "Host: www.blocked.test", "http://127.0.0.1:" + http.port() + "/hello");
        assertThat(blocked[0]).isNotEqualTo(0);
        assertThat(sniffed).isEmpty();
    }

    @Test
    void theTlsServerNameRoutesAConnectionMadeByIp() throws Exception {
        // no TLS server: one that hangs up at once, since what matters is where the ClientHello was sent
        try (java.net.ServerSocket hangUp =
                new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!hangUp.isClosed()) {
                    try {
                        hangUp.accept().close();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            closer.setDaemon(true);
            closer.start();
            int port = hangUp.getLocalPort();
            sniffed.clear();
            curl("--resolve", "sni.test:" + port + ":127.0.0.1", "-k", "https://sni.test:" + port + "/");
            assertThat(sniffed).containsExactly("sni.test");

            sniffed.clear();
            Object[] blocked = curl(
                    "--resolve",
                    "cdn.blocked.test:" + port + ":127.0.0.1",
                    "-k",
                    "https://cdn.blocked.test:" + port + "/");
            assertThat(blocked[0]).isNotEqualTo(0);
            assertThat(sniffed).isEmpty();
        }
    }
}
