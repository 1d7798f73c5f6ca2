package io.github.proxycore.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.outbound.HostResolver;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import io.github.proxycore.testing.TestData;
import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** curl, a real client, through every proxy protocol of the mixed inbound. */
class CurlThroughMixedInboundTest {
    private static LocalHttpServer http;
    private static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute(), "curl is not installed");
        http = LocalHttpServer.start("origin");
        engine = Engine.builder(ConfigLoader.parse("{\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"mixed-in\","
                        + " \"listen\": \"127.0.0.1\", \"listen_port\": 0}]}"))
                .resolver(HostResolver.of(Map.of("proxied.test", List.of(InetAddress.getByName("127.0.0.1")))))
                .start();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
            http.close();
        }
    }

    private static String proxy(String scheme) {
        return scheme + "://127.0.0.1:"
                + engine.inbound("mixed-in").localAddress().getPort();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "socks5, 127.0.0.1, ''",
        "socks5h, proxied.test, ''",
        "socks4, 127.0.0.1, ''",
        "socks4a, proxied.test, ''",
        "http, proxied.test, ''",
        "http, proxied.test, --proxytunnel",
    })
    void fetchesThroughTheProxy(String scheme, String host, String extra, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("body");
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "-o",
                out.toString(),
                "-w",
                "%{http_code}",
                "-x",
                proxy(scheme),
                "http://" + host + ":" + http.port() + "/hello"));
        if (!extra.isEmpty()) {
            command.add(extra);
        }
        assertThat(curl(command)).isEqualTo("200");
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("hello from origin");
    }

    @Test
    void fiftyMiBArriveIntact(@TempDir Path dir) throws Exception {
        long size = MixedInboundTest.BIG;
        Path out = dir.resolve("big");
        assertThat(curl(List.of(
                        "curl",
                        "-sS",
                        "--max-time",
                        "60",
                        "-o",
                        out.toString(),
                        "-w",
                        "%{http_code}",
                        "-x",
                        proxy("socks5h"),
                        "http://proxied.test:" + http.port() + "/bytes/" + size)))
                .isEqualTo("200");
        assertThat(Files.size(out)).isEqualTo(size);
        MessageDigest digest = TestData.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(out), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(TestData.sha256(0, size));
    }

    private static String curl(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("curl said: %s", text).isZero();
        return text;
    }
}
