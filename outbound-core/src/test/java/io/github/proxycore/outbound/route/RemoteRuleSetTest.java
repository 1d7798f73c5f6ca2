package io.github.proxycore.outbound.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.LoopbackTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Remote rule sets served by a local HTTP server: first fetch, cache after restart, update swap, bad updates. */
class RemoteRuleSetTest {
    @RegisterExtension
    static final LoopbackTransport LOOPBACK = new LoopbackTransport(1);

    private static Transport transport;
    private HttpServer server;
    private final AtomicReference<byte[]> served = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeAll
    static void startTransport() {
        transport = LOOPBACK.transport();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get();
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/geosite.srs";
    }

    private static byte[] shared(String name) throws IOException {
        return Files.readAllBytes(RuleSetTwinTest.shared().resolve("v2").resolve(name));
    }

    private static Router router(String url, Path cache, Clock clock, Duration startupWait) {
        ProxyConfig config = ConfigLoader.parse("{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"},"
                + "{\"type\": \"block\", \"tag\": \"block\"}], \"route\": {\"rule_set\": [{\"type\": \"remote\","
                + "\"tag\": \"geo\", \"format\": \"binary\", \"url\": \"" + url + "\", \"update_interval\": \"1h\"}],"
                + "\"rules\": [{\"rule_set\": \"geo\", \"outbound\": \"block\"}], \"final\": \"direct\"}}");
        Outbounds outbounds =
                Outbounds.builder(config.outbounds()).transport(transport).build();
        return Router.builder(config.route(), outbounds)
                .cacheDirectory(cache)
                .clock(clock)
                .startupWait(startupWait)
                .downloadTimeout(Duration.ofSeconds(20))
                .build();
    }

    private static String outbound(Router router, String host) {
        return router.route(
                        Metadata.builder(Network.TCP, Destination.of(host, 443)).build())
                .outbound()
                .tag();
    }

    private static Clock at(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    private static List<Path> cached(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".srs")).toList();
        }
    }

    @Test
    void firstFetchThenTheCacheServesARestartWithoutNetwork(@TempDir Path cache) throws Exception {
        served.set(shared("geosite-netflix.srs"));
        String url = serve();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        try (Router router = router(url, cache, at(now), Duration.ofSeconds(20))) {
            assertThat(outbound(router, "www.netflix.com")).isEqualTo("block");
            assertThat(outbound(router, "example.com")).isEqualTo("direct");
        }
        assertThat(cached(cache)).hasSize(1);
        server.stop(0);
        server = null;
        // restarted half an interval later, with the server gone: the cached copy routes at once
        try (Router router = router(url, cache, at(now.plus(Duration.ofMinutes(30))), Duration.ZERO)) {
            assertThat(outbound(router, "netflix.com")).isEqualTo("block");
        }
        // past the interval with the server gone: the download fails and the cached copy stays
        try (Router router = router(url, cache, at(now.plus(Duration.ofHours(2))), Duration.ZERO)) {
            assertThat(outbound(router, "netflix.com")).isEqualTo("block");
            assertThat(router.refreshRuleSet("geo").get(20, TimeUnit.SECONDS)).isFalse();
            assertThat(outbound(router, "netflix.com")).isEqualTo("block");
        }
    }

    @Test
    void anUpdateIsSwappedInAndACorruptOneKeptOut(@TempDir Path cache) throws Exception {
        served.set(shared("geosite-netflix.srs"));
        String url = serve();
        try (Router router = router(url, cache, at(Instant.parse("2026-01-01T00:00:00Z")), Duration.ofSeconds(20))) {
            assertThat(outbound(router, "netflix.com")).isEqualTo("block");

            served.set(shared("geosite-openai.srs"));
            assertThat(router.refreshRuleSet("geo").get(20, TimeUnit.SECONDS)).isTrue();
            assertThat(outbound(router, "openai.com")).isEqualTo("block");
            assertThat(outbound(router, "netflix.com")).isEqualTo("direct");
            byte[] good = Files.readAllBytes(cached(cache).get(0));
            assertThat(good).isEqualTo(shared("geosite-openai.srs"));

            byte[] corrupt = shared("geosite-netflix.srs").clone();
            corrupt[corrupt.length / 2] ^= 0x55;
            served.set(corrupt);
            assertThat(router.refreshRuleSet("geo").get(20, TimeUnit.SECONDS)).isFalse();
            served.set("<html>not found</html>".getBytes());
            status.set(404);
            assertThat(router.refreshRuleSet("geo").get(20, TimeUnit.SECONDS)).isFalse();
            assertThat(outbound(router, "openai.com")).isEqualTo("block");
            assertThat(Files.readAllBytes(cached(cache).get(0))).isEqualTo(good);
        }
    }

    @Test
    void aSetNeverFetchedMatchesNothingAndStartUpWaitsOnlyBoundedly(@TempDir Path cache) throws Exception {
        served.set(new byte[0]);
        status.set(500);
        String url = serve();
        try (Router router = router(url, cache, at(Instant.parse("2026-01-01T00:00:00Z")), Duration.ofSeconds(20))) {
            assertThat(requests.get()).isEqualTo(1);
            assertThat(outbound(router, "netflix.com")).isEqualTo("direct");
            status.set(200);
            served.set(shared("geosite-netflix.srs"));
            assertThat(router.refreshRuleSet("geo").get(20, TimeUnit.SECONDS)).isTrue();
            assertThat(outbound(router, "netflix.com")).isEqualTo("block");
        }
    }

    @Test
    void startUpDoesNotWaitLongerThanItsBound(@TempDir Path cache) throws Exception {
        // a server that accepts and never answers
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/x.srs";
            long start = System.nanoTime();
            try (Router router = router(url, cache, Clock.systemUTC(), Duration.ofMillis(200))) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
                assertThat(outbound(router, "netflix.com")).isEqualTo("direct");
            }
        }
    }
}
