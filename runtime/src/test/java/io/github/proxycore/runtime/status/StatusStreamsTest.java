package io.github.proxycore.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.proxycore.config.ClashApiOptions;
import io.github.proxycore.config.ConfigLoader;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The WebSocket streams of the Clash API, through a WebSocket client as a browser dashboard uses them. */
class StatusStreamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void streamsTrafficMemoryAndLogsToTheRightTokenOnly() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(
                                ConfigLoader.parse("{\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\","
                                        + " \"listen\": \"127.0.0.1\", \"listen_port\": 0}],"
                                        + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"a\"}]}"))
                        .start();
                StatusServer api = StatusServer.builder(
                                new ClashApiOptions("127.0.0.1:0", "s3cret"),
                                engine.outbounds(),
                                engine.outbounds().transport())
                        .streamInterval(Duration.ofMillis(50))
                        .start()) {
            int port = api.localAddress().getPort();
            for (String stream : new String[] {"/traffic", "/memory", "/logs"}) {
                WsClient wrong = WsClient.open(engine, port, stream + "?token=nope");
                assertThat(wrong.status.get(10, TimeUnit.SECONDS)).as(stream).isEqualTo(401);
                wrong.channel.close();
                WsClient none = WsClient.open(engine, port, stream);
                assertThat(none.status.get(10, TimeUnit.SECONDS)).as(stream).isEqualTo(401);
                none.channel.close();
            }

            WsClient memory = WsClient.open(engine, port, "/memory?token=s3cret");
            assertThat(memory.status.get(10, TimeUnit.SECONDS)).isEqualTo(101);
            JsonNode sample = JSON.readTree(memory.next());
            assertThat(sample.get("inuse").asLong()).isPositive();
            assertThat(sample.has("oslimit")).isTrue();
            memory.channel.close();

            // bytes relayed through the engine show up in the per-interval samples, whatever else runs
            WsClient traffic = WsClient.open(engine, port, "/traffic?token=s3cret");
            assertThat(traffic.status.get(10, TimeUnit.SECONDS)).isEqualTo(101);
            String request = "GET /hello HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
            int received;
            try (Socket socket =
                    new Socket(new Proxy(Proxy.Type.SOCKS, engine.inbound("in").localAddress()))) {
                socket.setSoTimeout(10_000);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), http.port()), 10_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                received = socket.getInputStream().readAllBytes().length;
            }
            assertThat(received).isPositive();
            long up = 0;
            long down = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (up < request.length() || down < received) {
                assertThat(System.nanoTime()).as("traffic counted").isLessThan(deadline);
                JsonNode t = JSON.readTree(traffic.next());
                up += t.get("up").asLong();
                down += t.get("down").asLong();
            }
            traffic.channel.close();

            // a warning reaches a dashboard that asked for warnings, a debug line does not
            WsClient logs = WsClient.open(engine, port, "/logs?level=warning&token=s3cret");
            assertThat(logs.status.get(10, TimeUnit.SECONDS)).isEqualTo(101);
            // the subscription starts just after the client sees the handshake's answer: publish until it is there
            String text = null;
            long logDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (text == null) {
                assertThat(System.nanoTime()).as("a log line").isLessThan(logDeadline);
                api.logs().publish(LogFeed.Level.DEBUG, "quiet");
                api.logs().publish(LogFeed.Level.WARNING, "member down");
                text = logs.texts.poll(50, TimeUnit.MILLISECONDS);
            }
            JsonNode line = JSON.readTree(text);
            assertThat(line.get("type").asText()).isEqualTo("warning");
            assertThat(line.get("payload").asText()).isEqualTo("member down");
            logs.channel.close();

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> badLevel = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/logs?level=loud"))
                            .header("Authorization", "Bearer s3cret")
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(badLevel.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(badLevel.body()).get("message").asText()).contains("level");

            // without an upgrade the same stream is a chunked answer, one document a line
            HttpResponse<InputStream> plain = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/memory"))
                            .header("Authorization", "Bearer s3cret")
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(plain.statusCode()).isEqualTo(200);
            try (InputStream body = plain.body()) {
                StringBuilder first = new StringBuilder();
                for (int c; (c = body.read()) != '\n'; ) {
                    assertThat(c).isNotEqualTo(-1);
                    first.append((char) c);
                }
                assertThat(JSON.readTree(first.toString()).get("inuse").asLong())
                        .isPositive();
            }
        }
    }
}
