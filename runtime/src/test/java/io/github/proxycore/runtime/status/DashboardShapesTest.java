package io.github.proxycore.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.group.UrlTestOutbound;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API's answers carry every field the dashboards read, with the JSON type they expect: fixtures written from the
 * TypeScript types of metacubexd, yacd and zashboard (our own values; see each fixture's {@code types} and
 * {@code notes}), checked against a running engine with groups, members, a relayed connection and log lines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalHttpServer http;
    private ConnectionsTest.EchoServer echo;
    private Engine engine;
    private Socket connection;
    private String base;
    private int port;

    @BeforeAll
    void start() throws Exception {
        http = LocalHttpServer.start("origin");
        echo = new ConnectionsTest.EchoServer();
        String url = "http://127.0.0.1:" + http.port() + "/generate_204";
        engine = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                        + " \"listen_port\": 0}],"
                        + "\"outbounds\": ["
                        + "  {\"type\": \"selector\", \"tag\": \"proxy\", \"outbounds\": [\"lb\", \"auto\", \"a\"]},"
                        + "  {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"a\", \"b\"],"
                        + "   \"url\": \"" + url + "\", \"interval\": \"1h\", \"strategy\": \"random\"},"
                        + "  {\"type\": \"urltest\", \"tag\": \"auto\", \"outbounds\": [\"a\", \"b\"], \"url\": \""
                        + url
                        + "\", \"interval\": \"10m\"},"
                        + "  {\"type\": \"direct\", \"tag\": \"a\"}, {\"type\": \"direct\", \"tag\": \"b\"},"
                        + "  {\"type\": \"block\", \"tag\": \"deny\"}],"
                        + "\"route\": {\"rules\": [{\"domain_suffix\": [\"example.org\"], \"outbound\": \"deny\"}],"
                        + "  \"final\": \"proxy\"},"
                        + "\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:0\","
                        + " \"secret\": \"s\"}}}"))
                .start();
        engine.outbounds().get("lb", LoadBalanceOutbound.class).checkNow().get(10, TimeUnit.SECONDS);
        engine.outbounds().get("auto", UrlTestOutbound.class).checkNow().get(10, TimeUnit.SECONDS);
        port = engine.status().orElseThrow().localAddress().getPort();
        base = "http://127.0.0.1:" + port;
        connection = new Socket(new Proxy(Proxy.Type.SOCKS, engine.inbound("in").localAddress()));
        connection.setSoTimeout(10_000);
        connection.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.port()), 10_000);
        connection.getOutputStream().write(new byte[] {1, 2, 3});
        assertThat(connection.getInputStream().readNBytes(3)).hasSize(3);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {connection, engine, echo, http}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static Stream<Arguments> checks() throws Exception {
        List<Arguments> out = new ArrayList<>();
        for (String dashboard : List.of("metacubexd", "yacd", "zashboard")) {
            try (InputStream in = DashboardShapesTest.class.getResourceAsStream("dashboards/" + dashboard + ".json")) {
                JsonNode fixture = JSON.readTree(in);
                for (JsonNode check : fixture.get("checks")) {
                    out.add(Arguments.of(dashboard + ": " + check.get("name").asText(), check));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void theAnswerHasTheShapeTheDashboardReads(String name, JsonNode check) throws Exception {
        String endpoint = check.get("endpoint").asText();
        JsonNode document;
        if (check.path("websocket").asBoolean()) {
            document = viaWebSocket(endpoint);
        } else if (check.path("chunked").asBoolean()) {
            document = firstChunkedLine(endpoint);
        } else {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(base + endpoint))
                            .header("Authorization", "Bearer s")
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            document = JSON.readTree(response.body());
        }
        JsonNode actual = document.at(check.get("pointer").asText());
        assertThat(actual.isMissingNode())
                .as(name + ": " + check.get("pointer") + " in " + document)
                .isFalse();
        assertShape(check.get("shape"), actual, name + " $");
    }

    /** Every field of {@code expected} is in {@code actual} with its JSON type; arrays by their first elements. */
    private static void assertShape(JsonNode expected, JsonNode actual, String path) {
        assertThat(actual.getNodeType()).as(path + " in " + actual).isEqualTo(expected.getNodeType());
        if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = actual.get(field.getKey());
                assertThat(value)
                        .as(path + "." + field.getKey() + " in " + actual)
                        .isNotNull();
                assertShape(field.getValue(), value, path + "." + field.getKey());
            }
        } else if (expected.isArray() && !expected.isEmpty() && !actual.isEmpty()) {
            for (JsonNode element : actual) {
                assertShape(expected.get(0), element, path + "[]");
            }
        }
    }

    private JsonNode viaWebSocket(String endpoint) throws Exception {
        String separator = endpoint.contains("?") ? "&" : "?";
        WsClient ws = WsClient.open(engine, port, endpoint + separator + "token=s");
        try {
            assertThat(ws.status.get(10, TimeUnit.SECONDS)).isEqualTo(101);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                if (endpoint.startsWith("/logs")) {
                    // the subscription starts just after the handshake's answer: publish until a line arrives
                    engine.status().orElseThrow().logs().publish(LogFeed.Level.ERROR, "a line");
                }
                String text = ws.texts.poll(50, TimeUnit.MILLISECONDS);
                if (text != null) {
                    return JSON.readTree(text);
                }
                assertThat(System.nanoTime()).as("a message from " + endpoint).isLessThan(deadline);
            }
        } finally {
            ws.channel.close();
        }
    }

    private JsonNode firstChunkedLine(String endpoint) throws Exception {
        CompletableFuture<HttpResponse<InputStream>> pending = client.sendAsync(
                HttpRequest.newBuilder(URI.create(base + endpoint))
                        .header("Authorization", "Bearer s")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response = pending.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try (InputStream body = response.body()) {
                StringBuilder out = new StringBuilder();
                for (int c; (c = body.read()) != '\n' && c != -1; ) {
                    out.append((char) c);
                }
                return out.toString();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!line.isDone()) {
            engine.status().orElseThrow().logs().publish(LogFeed.Level.WARNING, "a line");
            Thread.sleep(20);
            assertThat(System.nanoTime()).as("a line from " + endpoint).isLessThan(deadline);
        }
        return JSON.readTree(line.get().getBytes(StandardCharsets.UTF_8));
    }
}
