package io.github.proxycore.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The AnyTLS server's bounds (issue 14) as the configuration gives them, and their defaults. */
class AnyTlsInboundBoundsTest {
    private static final String INBOUND = "{\"inbounds\": [{\"type\": \"anytls\", \"listen\": \"127.0.0.1\","
            + " \"listen_port\": 8443, \"users\": [{\"name\": \"u\", \"password\": \"p\"}],"
            + " \"tls\": {\"certificate_path\": \"c.pem\", \"key_path\": \"k.pem\"}";

    private static AnyTlsInboundOptions parse(String extra) {
        return (AnyTlsInboundOptions)
                ConfigLoader.parse(INBOUND + extra + "}]}").inbounds().get(0);
    }

    @Test
    void boundsDefaultToSafeValues() {
        AnyTlsInboundOptions o = parse("");
        assertThat(o.maxStreamsPerSession()).isEqualTo(1024);
        assertThat(o.streamAddressTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.streamDialTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.sessionMemoryBudget()).isEqualTo(4 * 1024 * 1024);
        assertThat(o.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void boundsAreRead() {
        AnyTlsInboundOptions o = parse(", \"max_streams_per_session\": 64, \"stream_address_timeout\": \"2s\","
                + " \"stream_dial_timeout\": \"3s\", \"session_memory_budget\": 1048576,"
                + " \"session_idle_timeout\": \"1m\"");
        assertThat(o.maxStreamsPerSession()).isEqualTo(64);
        assertThat(o.streamAddressTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.streamDialTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.sessionMemoryBudget()).isEqualTo(1048576);
        assertThat(o.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(1));
    }
}
