package io.github.proxycore.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Clash-style status endpoint of a running engine, as a dashboard would use it. */
class StatusServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void listsOutboundsAndMembersAndMeasuresDelays() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(
                                ConfigLoader.parse(
                                        "{"
                                                + "\"outbounds\": ["
                                                + "  {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"a\", \"b\"],"
                                                + "   \"url\": \"http://127.0.0.1:" + http.port()
                                                + "/generate_204\", \"strategy\": \"random\"},"
                                                + "  {\"type\": \"direct\", \"tag\": \"a\"}, {\"type\": \"direct\", \"tag\": \"b\"},"
                                                + "  {\"type\": \"block\", \"tag\": \"deny\"}],"
                                                + "\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:0\", \"secret\": \"t0ken\"}}}"))
                        .start()) {
            ((LoadBalanceOutbound) engine.outbounds().get("lb")).checkNow().get(10, TimeUnit.SECONDS);
            String base = "http://127.0.0.1:"
                    + engine.status().orElseThrow().localAddress().getPort();

            assertThat(get(base + "/proxies", null).statusCode()).isEqualTo(401);
            assertThat(get(base + "/proxies", "Bearer wrong").statusCode()).isEqualTo(401);

            // a member's latest health check is in its history however it is asked for, first or after its balancer
            JsonNode b = JSON.readTree(get(base + "/proxies/b", "Bearer t0ken").body());
            assertThat(b.get("history")).hasSize(1);
            assertThat(b.get("history").get(0).get("delay").asInt()).isPositive();

            HttpResponse<String> proxies = get(base + "/proxies", "Bearer t0ken");
            assertThat(proxies.statusCode()).isEqualTo(200);
            assertThat(proxies.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("*");
            JsonNode all = JSON.readTree(proxies.body()).get("proxies");
            assertThat(all.get("lb").get("type").asText()).isEqualTo("LoadBalance");
            assertThat(all.get("lb").get("all")).extracting(JsonNode::asText).containsExactly("a", "b");
            assertThat(all.get("lb").get("active")).extracting(JsonNode::asText).containsExactlyInAnyOrder("a", "b");
            assertThat(all.get("a").get("type").asText()).isEqualTo("Direct");
            assertThat(all.get("a").get("udp").asBoolean()).isTrue();
            assertThat(all.get("deny").get("type").asText()).isEqualTo("Reject");

            String url = URLEncoder.encode("http://127.0.0.1:" + http.port() + "/generate_204", StandardCharsets.UTF_8);
            HttpResponse<String> delay = get(base + "/proxies/a/delay?timeout=5000&url=" + url, "Bearer t0ken");
            assertThat(delay.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(delay.body()).get("delay").asInt()).isPositive();
            JsonNode a = JSON.readTree(get(base + "/proxies/a", "Bearer t0ken").body());
            assertThat(a.get("history")).isNotEmpty();

            HttpResponse<String> blocked = get(base + "/proxies/deny/delay?timeout=1000&url=" + url, "Bearer t0ken");
            assertThat(blocked.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(blocked.body()).get("message").asText()).contains("blocked");

            assertThat(get(base + "/proxies/a/delay?url=" + url, "Bearer t0ken").statusCode())
                    .isEqualTo(400);
            assertThat(get(base + "/proxies/nobody", "Bearer t0ken").statusCode())
                    .isEqualTo(404);
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
            String base = "http://127.0.0.1:"
                    + engine.status().orElseThrow().localAddress().getPort();
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
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lb.snapshot().member("a").orElseThrow().health() != MemberHealth.RECOVERING) {
                assertThat(System.nanoTime()).as("a recovering").isLessThan(deadline);
                Thread.sleep(5); // polling a condition
            }
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

    private HttpResponse<String> get(String uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
