package io.github.proxycore.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Connections relayed by the engine, as {@code /connections} shows them and {@code DELETE} closes them. */
class ConnectionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aRelayedConnectionIsListedWithItsChainRuleAndBytesUntilItCloses() throws Exception {
        try (EchoServer echo = new EchoServer();
                EchoServer other = new EchoServer();
                LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                                + " \"listen_port\": 0}],"
                                + "\"outbounds\": ["
                                + "  {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"a\", \"b\"],"
                                + "   \"url\": \"http://127.0.0.1:" + http.port()
                                + "/generate_204\", \"interval\": \"1h\","
                                + "   \"strategy\": \"random\"},"
                                + "  {\"type\": \"direct\", \"tag\": \"a\"}, {\"type\": \"direct\", \"tag\": \"b\"},"
                                + "  {\"type\": \"direct\", \"tag\": \"plain\"}],"
                                + "\"route\": {\"rules\": [{\"port\": [" + echo.port() + "], \"outbound\": \"lb\"}],"
                                + "  \"final\": \"plain\"},"
                                + "\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:0\","
                                + " \"secret\": \"s\"}}}"))
                        .start()) {
            String base = "http://127.0.0.1:"
                    + engine.status().orElseThrow().localAddress().getPort();
            assertThat(JSON.readTree(get(base + "/connections").body()).get("connections"))
                    .isEmpty();

            try (Socket socket = throughProxy(engine, echo.port())) {
                echo(socket, 1000);
                JsonNode c = awaitConnection(
                        base,
                        n -> n.get("upload").asLong() == 1000
                                && n.get("download").asLong() == 1000);
                assertThat(c.get("chains"))
                        .extracting(JsonNode::asText)
                        .hasSize(2)
                        .endsWith("lb");
                assertThat(c.get("chains").get(0).asText()).isIn("a", "b");
                assertThat(c.get("rule").asText()).isEqualTo("port=" + echo.port() + " => route(lb)");
                assertThat(c.get("rulePayload").asText()).isEmpty();
                assertThat(Instant.parse(c.get("start").asText()))
                        .isBefore(Instant.now().plusSeconds(1));
                JsonNode m = c.get("metadata");
                assertThat(m.get("network").asText()).isEqualTo("tcp");
                assertThat(m.get("type").asText()).isEqualTo("mixed/in");
                assertThat(m.get("inboundName").asText()).isEqualTo("in");
                assertThat(m.get("sourceIP").asText()).isEqualTo("127.0.0.1");
                assertThat(m.get("sourcePort").asText()).isEqualTo(Integer.toString(socket.getLocalPort()));
                assertThat(m.get("destinationIP").asText()).isEqualTo("127.0.0.1");
                assertThat(m.get("destinationPort").asText()).isEqualTo(Integer.toString(echo.port()));
                assertThat(m.get("host").asText()).isEmpty();

                JsonNode snapshot = JSON.readTree(get(base + "/connections").body());
                assertThat(snapshot.get("uploadTotal").asLong()).isGreaterThanOrEqualTo(1000);
                assertThat(snapshot.get("downloadTotal").asLong()).isGreaterThanOrEqualTo(1000);
                assertThat(snapshot.get("memory").asLong()).isPositive();
            }
            awaitEmpty(base);
            JsonNode after = JSON.readTree(get(base + "/connections").body());
            assertThat(after.get("uploadTotal").asLong())
                    .as("totals keep closed connections")
                    .isEqualTo(1000);
            assertThat(after.get("downloadTotal").asLong()).isEqualTo(1000);

            // the final outbound, a plain one: a chain of one, the rule "final"
            try (Socket socket = throughProxy(engine, other.port())) {
                JsonNode c = awaitConnection(base, n -> true);
                assertThat(c.get("chains")).extracting(JsonNode::asText).containsExactly("plain");
                assertThat(c.get("rule").asText()).isEqualTo("final");
            }
            awaitEmpty(base);
        }
    }

    @Test
    void deleteClosesOneConnectionOrAllAndTheWebSocketStreamsSnapshots() throws Exception {
        try (EchoServer echo = new EchoServer();
                Engine engine = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                                + " \"listen_port\": 0}],"
                                + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"out\"}],"
                                + "\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:0\","
                                + " \"secret\": \"s\"}}}"))
                        .start()) {
            int port = engine.status().orElseThrow().localAddress().getPort();
            String base = "http://127.0.0.1:" + port;

            WsClient wrong = WsClient.open(engine, port, "/connections?token=nope");
            assertThat(wrong.status.get(10, TimeUnit.SECONDS)).isEqualTo(401);
            wrong.channel.close();

            try (Socket first = throughProxy(engine, echo.port());
                    Socket second = throughProxy(engine, echo.port())) {
                echo(first, 10);
                echo(second, 20);
                WsClient stream = WsClient.open(engine, port, "/connections?token=s&interval=100");
                assertThat(stream.status.get(10, TimeUnit.SECONDS)).isEqualTo(101);
                JsonNode snapshot = JSON.readTree(stream.next());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (snapshot.get("connections").size() < 2) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    snapshot = JSON.readTree(stream.next());
                }
                assertThat(snapshot.has("uploadTotal")).isTrue();
                assertThat(snapshot.has("downloadTotal")).isTrue();
                JsonNode ofFirst = null;
                for (JsonNode c : snapshot.get("connections")) {
                    if (c.get("metadata").get("sourcePort").asText().equals(Integer.toString(first.getLocalPort()))) {
                        ofFirst = c;
                    }
                }
                assertThat(ofFirst).isNotNull();

                HttpResponse<String> deleted =
                        send(base + "/connections/" + ofFirst.get("id").asText(), "DELETE");
                assertThat(deleted.statusCode()).isEqualTo(204);
                assertThat(first.getInputStream().read())
                        .as("closed by the DELETE")
                        .isEqualTo(-1);
                echo(second, 5); // the other one is untouched
                assertThat(send(base + "/connections/no-such-id", "DELETE").statusCode())
                        .isEqualTo(204);

                assertThat(send(base + "/connections", "DELETE").statusCode()).isEqualTo(204);
                assertThat(second.getInputStream().read())
                        .as("closed by DELETE /connections")
                        .isEqualTo(-1);
                awaitEmpty(base);
                stream.channel.close();
            }
            assertThat(get(base + "/connections?interval=nope").statusCode()).isEqualTo(400);
            assertThat(send(base + "/connections", "PUT").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void switchingASelectorThroughTheApiMovesTheNextConnectionAndInterruptsTheOldOnes() throws Exception {
        try (EchoServer echo = new EchoServer();
                Engine engine = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                                + " \"listen_port\": 0}],"
                                + "\"outbounds\": ["
                                + "  {\"type\": \"selector\", \"tag\": \"proxy\", \"outbounds\": [\"a\", \"b\"],"
                                + "   \"interrupt_exist_connections\": true},"
                                + "  {\"type\": \"direct\", \"tag\": \"a\"}, {\"type\": \"direct\", \"tag\": \"b\"}],"
                                + "\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:0\","
                                + " \"secret\": \"s\"}}}"))
                        .start()) {
            String base = "http://127.0.0.1:"
                    + engine.status().orElseThrow().localAddress().getPort();
            JsonNode proxy = JSON.readTree(get(base + "/proxies/proxy").body());
            assertThat(proxy.get("type").asText()).isEqualTo("Selector");
            assertThat(proxy.get("now").asText()).isEqualTo("a");
            assertThat(proxy.get("all")).extracting(JsonNode::asText).containsExactly("a", "b");

            try (Socket throughA = throughProxy(engine, echo.port())) {
                echo(throughA, 10);
                JsonNode c = awaitConnection(base, n -> true);
                assertThat(c.get("chains")).extracting(JsonNode::asText).containsExactly("a", "proxy");

                assertThat(send(base + "/proxies/proxy", "PUT", "{\"name\": \"b\"}")
                                .statusCode())
                        .isEqualTo(204);
                assertThat(JSON.readTree(get(base + "/proxies/proxy").body())
                                .get("now")
                                .asText())
                        .isEqualTo("b");
                assertThat(throughA.getInputStream().read())
                        .as("interrupt_exist_connections closed the connection through a")
                        .isEqualTo(-1);
            }
            awaitEmpty(base);
            try (Socket throughB = throughProxy(engine, echo.port())) {
                echo(throughB, 10);
                JsonNode c = awaitConnection(base, n -> true);
                assertThat(c.get("chains")).extracting(JsonNode::asText).containsExactly("b", "proxy");
            }
            HttpResponse<String> notMember = send(base + "/proxies/proxy", "PUT", "{\"name\": \"nobody\"}");
            assertThat(notMember.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(notMember.body()).get("message").asText()).contains("nobody");
            HttpResponse<String> notSelector = send(base + "/proxies/a", "PUT", "{\"name\": \"b\"}");
            assertThat(notSelector.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(notSelector.body()).get("message").asText())
                    .isEqualTo("Must be a Selector");
            JsonNode groups = JSON.readTree(get(base + "/group").body()).get("proxies");
            assertThat(groups).extracting(g -> g.get("name").asText()).containsExactly("proxy");
        }
    }

    private static Socket throughProxy(Engine engine, int port) throws IOException {
        Socket socket =
                new Socket(new Proxy(Proxy.Type.SOCKS, engine.inbound("in").localAddress()));
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        return socket;
    }

    private static void echo(Socket socket, int n) throws IOException {
        byte[] data = new byte[n];
        socket.getOutputStream().write(data);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        int read = 0;
        while (read < n) {
            int r = in.read(data, read, n - read);
            assertThat(r).isPositive();
            read += r;
        }
    }

    private JsonNode awaitConnection(String base, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode connections =
                    JSON.readTree(get(base + "/connections").body()).get("connections");
            if (connections.size() == 1 && condition.test(connections.get(0))) {
                return connections.get(0);
            }
            assertThat(System.nanoTime())
                    .as("the connection as expected: " + connections)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private void awaitEmpty(String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!JSON.readTree(get(base + "/connections").body())
                .get("connections")
                .isEmpty()) {
            assertThat(System.nanoTime())
                    .as("closed connections leave the table")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return send(uri, "GET");
    }

    private HttpResponse<String> send(String uri, String method) throws Exception {
        return send(uri, method, null);
    }

    private HttpResponse<String> send(String uri, String method, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .header("Authorization", "Bearer s")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Echoes what each connection sends until it closes. */
    static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final ExecutorService threads = Executors.newCachedThreadPool();

        EchoServer() throws IOException {
            threads.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        threads.execute(() -> pump(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void pump(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the peer went away
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}
