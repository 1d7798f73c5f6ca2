package io.github.proxycore.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.proxycore.config.ClashApiOptions;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.Conditions;
import io.github.proxycore.testing.LocalHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Clash API of a running engine, as a dashboard would use it. */
class StatusServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String balancerConfig(int httpPort, String clashApi) {
        return "{\"outbounds\": ["
                + "  {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"a\", \"b\"],"
                + "   \"url\": \"http://127.0.0.1:" + httpPort + "/generate_204\", \"strategy\": \"random\","
                + "   \"interval\": \"1h\"},"
                + "  {\"type\": \"direct\", \"tag\": \"a\"}, {\"type\": \"direct\", \"tag\": \"b\"},"
                + "  {\"type\": \"block\", \"tag\": \"deny\"}],"
                + "\"route\": {\"rules\": [{\"domain_suffix\": [\"example.org\"], \"outbound\": \"deny\"}],"
                + "  \"final\": \"lb\"},"
                + "\"experimental\": {\"clash_api\": " + clashApi + "}}";
    }

    @Test
    void listsOutboundsAndMembersAndMeasuresDelays() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(ConfigLoader.parse(balancerConfig(
                                http.port(), "{\"external_controller\": \"127.0.0.1:0\", \"secret\": \"t0ken\"}")))
                        .start()) {
            Instant beforeCheck = Instant.now();
            ((LoadBalanceOutbound) engine.outbounds().get("lb")).checkNow().get(10, TimeUnit.SECONDS);
            Instant afterCheck = Instant.now();
            String base = base(engine);

            assertThat(get(base + "/proxies", null).statusCode()).isEqualTo(401);
            assertThat(get(base + "/proxies", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(get(base + "/proxies?token=t0ken", null).statusCode())
                    .as("?token= is for WebSocket upgrades only")
                    .isEqualTo(401);
            HttpResponse<String> unauthorized = get(base + "/proxies", "Basic t0ken");
            assertThat(unauthorized.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(unauthorized.body()).get("message").asText())
                    .isEqualTo("Unauthorized");
            assertThat(get(base + "/proxies", "bearer t0ken").statusCode()).isEqualTo(200);

            // a member's latest health check is in its history, stamped when the check ran, not when asked
            JsonNode b = JSON.readTree(get(base + "/proxies/b", "Bearer t0ken").body());
            assertThat(b.get("history")).hasSize(1);
            assertThat(b.get("history").get(0).get("delay").asInt()).isPositive();
            Instant stamped = Instant.parse(b.get("history").get(0).get("time").asText());
            assertThat(stamped).isBetween(beforeCheck.minusMillis(5), afterCheck.plusMillis(5));
            assertThat(b.get("alive").asBoolean()).isTrue();

            HttpResponse<String> proxies = get(base + "/proxies", "Bearer t0ken");
            assertThat(proxies.statusCode()).isEqualTo(200);
            assertThat(proxies.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("*");
            JsonNode all = JSON.readTree(proxies.body()).get("proxies");
            JsonNode lb = all.get("lb");
            assertThat(lb.get("type").asText()).isEqualTo("LoadBalance");
            assertThat(lb.get("all")).extracting(JsonNode::asText).containsExactly("a", "b");
            assertThat(lb.get("active")).extracting(JsonNode::asText).containsExactlyInAnyOrder("a", "b");
            assertThat(lb.has("now")).as("a balancer selects no member").isFalse();
            assertThat(lb.get("testUrl").asText()).endsWith("/generate_204");
            assertThat(lb.get("timeout").asInt()).isEqualTo(5000);
            assertThat(all.get("a").get("type").asText()).isEqualTo("Direct");
            assertThat(all.get("a").get("udp").asBoolean()).isTrue();
            assertThat(all.get("deny").get("type").asText()).isEqualTo("Reject");
            JsonNode global = all.get("GLOBAL");
            assertThat(global.get("type").asText()).isEqualTo("Fallback");
            assertThat(global.get("now").asText()).isEqualTo("lb");
            assertThat(global.get("all")).extracting(JsonNode::asText).containsExactly("lb");

            String url = URLEncoder.encode("http://127.0.0.1:" + http.port() + "/generate_204", StandardCharsets.UTF_8);
            HttpResponse<String> delay = get(base + "/proxies/a/delay?timeout=5000&url=" + url, "Bearer t0ken");
            assertThat(delay.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(delay.body()).get("delay").asInt()).isPositive();
            JsonNode a = JSON.readTree(get(base + "/proxies/a", "Bearer t0ken").body());
            assertThat(a.get("history")).hasSize(2); // its health check, then this test
            assertThat(Instant.parse(a.get("history").get(1).get("time").asText()))
                    .isAfterOrEqualTo(
                            Instant.parse(a.get("history").get(0).get("time").asText()));

            HttpResponse<String> blocked = get(base + "/proxies/deny/delay?timeout=1000&url=" + url, "Bearer t0ken");
            assertThat(blocked.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(blocked.body()).get("message").asText()).contains("blocked");
            JsonNode deny =
                    JSON.readTree(get(base + "/proxies/deny", "Bearer t0ken").body());
            assertThat(deny.get("alive").asBoolean()).isFalse();

            assertError(get(base + "/proxies/a/delay?url=" + url, "Bearer t0ken"), 400, "timeout");
            assertError(get(base + "/proxies/a/delay?timeout=30001&url=" + url, "Bearer t0ken"), 400, "30000");
            assertError(get(base + "/proxies/a/delay?timeout=100", "Bearer t0ken"), 400, "url");
            assertError(get(base + "/proxies/nobody", "Bearer t0ken"), 404, "not found");

            // the group routes: only balancers, and a delay test of every member
            JsonNode groups =
                    JSON.readTree(get(base + "/group", "Bearer t0ken").body()).get("proxies");
            assertThat(groups).extracting(g -> g.get("name").asText()).containsExactly("lb");
            assertThat(JSON.readTree(get(base + "/group/lb", "Bearer t0ken").body())
                            .get("all"))
                    .hasSize(2);
            assertError(get(base + "/group/a", "Bearer t0ken"), 404, "not found");
            HttpResponse<String> groupDelay = get(base + "/group/lb/delay?timeout=5000", "Bearer t0ken");
            assertThat(groupDelay.statusCode()).isEqualTo(200);
            JsonNode delays = JSON.readTree(groupDelay.body());
            assertThat(delays.get("a").asInt()).isPositive();
            assertThat(delays.get("b").asInt()).isPositive();
            assertThat(delays.size()).isEqualTo(2);
            assertError(get(base + "/group/lb/delay?timeout=0", "Bearer t0ken"), 400, "timeout");
        }
    }

    @Test
    void servesTheDocumentsDashboardsLoadFirst() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(ConfigLoader.parse(balancerConfig(
                                http.port(), "{\"external_controller\": \"127.0.0.1:0\", \"secret\": \"s\"}")))
                        .start()) {
            String base = base(engine);
            assertThat(JSON.readTree(get(base + "/", "Bearer s").body())
                            .get("hello")
                            .asText())
                    .isEqualTo("clash");
            JsonNode version = JSON.readTree(get(base + "/version", "Bearer s").body());
            // "sing-box" in it is how metacubexd (isSingBoxVersion) and zashboard (detectCore) tell sing-box's API
            // from mihomo's; without it they offer mihomo's settings and report a mihomo release as an update
            assertThat(version.get("version").asText())
                    .isEqualTo("proxycore " + Engine.version() + " (sing-box compatible)")
                    .containsIgnoringCase("sing-box")
                    .doesNotContain("unknown", "${");
            assertThat(version.get("meta").asBoolean()).isTrue();

            JsonNode configs = JSON.readTree(get(base + "/configs", "Bearer s").body());
            assertThat(configs.get("mode").asText()).isEqualTo("Rule");
            assertThat(configs.get("mode-list")).extracting(JsonNode::asText).containsExactly("Rule");
            assertThat(configs.get("log-level").asText()).isNotEmpty();
            assertThat(configs.get("mixed-port").isInt()).isTrue();
            assertThat(configs.get("allow-lan").isBoolean()).isTrue();
            assertThat(send(base + "/configs", "PATCH", "{\"mode\": \"rule\"}", "Bearer s")
                            .statusCode())
                    .isEqualTo(204);
            assertError(send(base + "/configs", "PATCH", "{\"mode\": \"global\"}", "Bearer s"), 400, "Rule");
            assertError(send(base + "/configs", "PATCH", "{\"log-level\": \"silent\"}", "Bearer s"), 400, "log level");
            assertError(send(base + "/configs", "PATCH", "{\"allow-lan\": true}", "Bearer s"), 400, "allow-lan");
            assertError(send(base + "/configs", "PATCH", "{not json", "Bearer s"), 400, "Body invalid");
            assertError(send(base + "/configs", "PUT", "{}", "Bearer s"), 400, "not supported");
            assertError(send(base + "/configs", "DELETE", "", "Bearer s"), 405, "Method");

            JsonNode proxyProviders =
                    JSON.readTree(get(base + "/providers/proxies", "Bearer s").body());
            assertThat(proxyProviders.get("providers").isObject()).isTrue();
            assertThat(proxyProviders.get("providers")).isEmpty();
            assertThat(JSON.readTree(get(base + "/providers/rules", "Bearer s").body())
                            .get("providers"))
                    .isEmpty();
            // the flush buttons of the dashboards: nothing cached, nothing to flush (as sing-box without a cache)
            for (String cache : new String[] {"fakeip", "dns"}) {
                assertThat(send(base + "/cache/" + cache + "/flush", "POST", "", "Bearer s")
                                .statusCode())
                        .isEqualTo(204);
                assertError(get(base + "/cache/" + cache + "/flush", "Bearer s"), 405, "Method");
            }
            assertError(send(base + "/cache/smart/flush", "POST", "", "Bearer s"), 404, "not found");
            assertError(send(base + "/cache/dns/flush", "POST", "", null), 401, "Unauthorized");

            JsonNode rules =
                    JSON.readTree(get(base + "/rules", "Bearer s").body()).get("rules");
            assertThat(rules).hasSize(1);
            assertThat(rules.get(0).get("type").asText()).isEqualTo("default");
            assertThat(rules.get(0).get("payload").asText()).contains("example.org");
            assertThat(rules.get(0).get("proxy").asText()).isEqualTo("deny");

            assertError(send(base + "/proxies/lb", "PUT", "{\"name\": \"a\"}", "Bearer s"), 400, "Selector");
            assertError(send(base + "/proxies/lb", "PUT", "[", "Bearer s"), 400, "Body invalid");
            assertError(send(base + "/proxies/lb", "PUT", "{\"name\": \"a\"}", null), 401, "Unauthorized");
            assertError(get(base + "/nothing/here", "Bearer s"), 404, "not found");

            // a preflight needs no secret and allows every method the API has, for a while
            for (String method : new String[] {"PUT", "DELETE", "PATCH"}) {
                HttpResponse<String> preflight = client.send(
                        HttpRequest.newBuilder(URI.create(base + "/proxies/lb"))
                                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                                .header("Origin", "http://dashboard.test")
                                .header("Access-Control-Request-Method", method)
                                .header("Access-Control-Request-Headers", "authorization, content-type")
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(preflight.statusCode()).isEqualTo(204);
                assertThat(preflight
                                .headers()
                                .firstValue("Access-Control-Allow-Methods")
                                .orElseThrow())
                        .contains(method);
                assertThat(preflight
                                .headers()
                                .firstValue("Access-Control-Allow-Headers")
                                .orElseThrow())
                        .containsIgnoringCase("authorization");
                assertThat(preflight.headers().firstValue("Access-Control-Max-Age"))
                        .contains("300");
            }
        }
    }

    @Test
    void withoutSecretAnswersOnlyLoopbackHostsAndLoopbackOrigins() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(ConfigLoader.parse(
                                balancerConfig(http.port(), "{\"external_controller\": \"127.0.0.1:0\"}")))
                        .start()) {
            int port = engine.status().orElseThrow().localAddress().getPort();
            assertThat(rawExchange(port, "GET /version HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            assertThat(rawExchange(port, "GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            assertThat(rawExchange(port, "GET /version HTTP/1.1\r\nHost: [::1]:" + port + "\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            // a name rebound to 127.0.0.1 by a web page
            String rebound = rawExchange(port, "GET /proxies HTTP/1.1\r\nHost: dashboard.test:" + port + "\r\n\r\n");
            assertThat(rebound)
                    .startsWith("HTTP/1.1 403")
                    .contains("\"message\"")
                    .contains("loopback");
            assertThat(rawExchange(port, "GET /proxies HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403");
            // a bad escape in the query is the client's error (found by StatusApiFuzzTest: it escaped the handler)
            assertThat(rawExchange(
                            port,
                            "GET /proxies/lb/delay?timeout=100&url=http%3A%2F%\\E HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
                    .startsWith("HTTP/1.1 400")
                    .contains("Malformed query");

            // a foreign page may not read the answers of a secret-less API; a local one may
            String foreign = rawExchange(
                    port, "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://dashboard.test\r\n\r\n");
            assertThat(foreign).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("access-control-allow-origin");
            String local = rawExchange(
                    port, "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://localhost:8080\r\n\r\n");
            assertThat(local).containsIgnoringCase("access-control-allow-origin: http://localhost:8080");
        }
    }

    @Test
    void warnsAtStartThatAnApiWithoutSecretIsOpen() throws Exception {
        LogFeed feed = new LogFeed();
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        java.io.PrintStream original = System.err;
        System.setErr(feed.tee(original)); // the test's slf4j-simple writes to System.err, looked up at every line
        try (LogFeed.Subscriber warnings = feed.subscribe(LogFeed.Level.WARNING, Runnable::run, lines::add);
                LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(ConfigLoader.parse(
                                balancerConfig(http.port(), "{\"external_controller\": \"127.0.0.1:0\"}")))
                        .start()) {
            String warning = null;
            for (String line; warning == null && (line = lines.poll(10, TimeUnit.SECONDS)) != null; ) {
                if (line.contains("no secret")) {
                    warning = line;
                }
            }
            assertThat(warning).as("a warning that the API is open").isNotNull().contains("warning");
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void closesIdleAndHalfSentConnections() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(ConfigLoader.parse(balancerConfig(http.port(), "null")))
                        .start();
                StatusServer api = StatusServer.builder(
                                new ClashApiOptions("127.0.0.1:0", "s"),
                                engine.outbounds(),
                                engine.outbounds().transport())
                        .idleTimeout(Duration.ofMillis(200))
                        .start()) {
            int port = api.localAddress().getPort();
            for (String sent : new String[] {"", "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n"}) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout(10_000); // the bound: far above the idle timeout
                    socket.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
                    assertThat(socket.getInputStream().read())
                            .as("closed by the server")
                            .isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void delayTestStopsWhenTheCallerGoesAway() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Engine engine = Engine.builder(ConfigLoader.parse(balancerConfig(
                                http.port(), "{\"external_controller\": \"127.0.0.1:0\", \"secret\": \"s\"}")))
                        .start()) {
            int port = engine.status().orElseThrow().localAddress().getPort();
            String url = URLEncoder.encode(
                    "http://127.0.0.1:" + silent.getLocalPort() + "/generate_204", StandardCharsets.UTF_8);
            silent.setSoTimeout(10_000);
            try (Socket caller = new Socket(InetAddress.getLoopbackAddress(), port)) {
                caller.getOutputStream()
                        .write(("GET /proxies/a/delay?timeout=30000&url=" + url
                                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer s\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                try (Socket probe = silent.accept()) { // the test's request reached the server that never answers
                    caller.close();
                    probe.setSoTimeout(10_000); // well under the test's own 30 s timeout
                    InputStream in = probe.getInputStream();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (in.read() != -1) {
                        assertThat(System.nanoTime()).isLessThan(deadline); // reading the request, then EOF
                    }
                }
            }
        }
    }

    @Test
    void showsMembersThatAreRecovering() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(ConfigLoader.parse("{\"outbounds\": ["
                                + "  {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"a\"],"
                                + "   \"url\": \"http://127.0.0.1:" + http.port() + "/generate_204\","
                                + "   \"interval\": \"1h\", \"strategy\": \"random\"},"
                                + "  {\"type\": \"direct\", \"tag\": \"a\"}],"
                                + "\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:0\"}}}"))
                        .start()) {
            LoadBalanceOutbound lb = (LoadBalanceOutbound) engine.outbounds().get("lb");
            lb.checkNow().get(10, TimeUnit.SECONDS);
            String base = base(engine);
            JsonNode a = JSON.readTree(get(base + "/proxies/a", null).body());
            assertThat(a.get("health").asText()).isEqualTo("healthy");
            assertThat(a.get("alive").asBoolean()).isTrue();

            // a direct member's own connection fails (nothing listens there): it is marked down, and the check
            // that follows at once passes, so it is recovering
            int closed;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = socket.getLocalPort();
            }
            Destination nowhere = Destination.of("127.0.0.1", closed);
            assertThat(lb.dial(nowhere, Metadata.internal(Network.TCP, nowhere)).await(10, TimeUnit.SECONDS))
                    .isTrue();
            Conditions.await(
                    "a recovering",
                    Duration.ofSeconds(10),
                    () -> lb.snapshot().member("a").orElseThrow().health() == MemberHealth.RECOVERING);
            a = JSON.readTree(get(base + "/proxies/a", null).body());
            assertThat(a.get("health").asText()).isEqualTo("recovering");
            assertThat(a.get("alive").asBoolean()).isFalse();
            JsonNode group = JSON.readTree(get(base + "/proxies/lb", null).body());
            assertThat(group.get("health").get("a").asText()).isEqualTo("recovering");
            assertThat(group.get("active")).isEmpty();

            lb.checkNow("a").get(10, TimeUnit.SECONDS); // the second pass in a row
            group = JSON.readTree(get(base + "/proxies/lb", null).body());
            assertThat(group.get("health").get("a").asText()).isEqualTo("healthy");
            assertThat(group.get("active")).extracting(JsonNode::asText).containsExactly("a");
        }
    }

    private static String base(Engine engine) {
        return "http://127.0.0.1:"
                + engine.status().orElseThrow().localAddress().getPort();
    }

    private static void assertError(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(JSON.readTree(response.body()).get("message").asText()).containsIgnoringCase(messagePart);
    }

    /** Sends raw bytes (for headers HttpClient will not send, such as a foreign Host) and reads one answer. */
    private static String rawExchange(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    out.write(buffer, 0, n);
                    String text = out.toString(StandardCharsets.US_ASCII);
                    int end = text.indexOf("\r\n\r\n");
                    if (end >= 0 && text.length() >= end + 4 + contentLength(text)) {
                        return text; // one whole answer: the connection stays open for more
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no whole answer within 10 s: " + out, e);
            }
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    private HttpResponse<String> get(String uri, String authorization) throws Exception {
        return send(uri, "GET", null, authorization);
    }

    private HttpResponse<String> send(String uri, String method, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
