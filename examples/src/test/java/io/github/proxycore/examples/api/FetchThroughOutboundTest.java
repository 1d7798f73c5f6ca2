package io.github.proxycore.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.testing.LocalHttpServer;
import java.net.URI;
import org.junit.jupiter.api.Test;

class FetchThroughOutboundTest {

    @Test
    void fetchesThroughAnOutboundBuiltFromJson() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("api");
                Outbounds outbounds = Outbounds.builder(
                                ConfigLoader.parse("{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"out\"}]}")
                                        .outbounds())
                        .build()) {
            String response = FetchThroughOutbound.fetch(
                    URI.create("http://127.0.0.1:" + http.port() + "/hello?x=1"), outbounds.get("out"));
            assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nhello from api");
            // the request carried the query, and a Host with the port
            assertThat(response.toLowerCase(java.util.Locale.ROOT))
                    .contains("x-query: x=1\r\n")
                    .contains("x-host: 127.0.0.1:" + http.port() + "\r\n");
        }
    }
}
