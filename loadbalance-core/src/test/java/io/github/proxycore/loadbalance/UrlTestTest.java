package io.github.proxycore.loadbalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.LocalHttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class UrlTestTest {

    @Test
    void measuresAnAnswerAndReportsTimeoutsAndRefusals() throws Exception {
        try (Transport transport = Transport.create(1);
                LocalHttpServer http = LocalHttpServer.start("t");
                ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            DirectOutbound direct = DirectOutbound.create("direct", DialOptions.DEFAULT, OutboundContext.of(transport));
            Duration latency = UrlTest.measure(
                            direct,
                            "http://127.0.0.1:" + http.port() + "/generate_204",
                            Duration.ofSeconds(5),
                            transport.group().next())
                    .get(10, TimeUnit.SECONDS);
            assertThat(latency).isPositive().isLessThan(Duration.ofSeconds(5));

            // accepts, never answers
            ExecutionException timedOut = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class,
                    () -> UrlTest.measure(
                                    direct,
                                    "http://127.0.0.1:" + silent.getLocalPort() + "/",
                                    Duration.ofMillis(200),
                                    transport.group().next())
                            .get(10, TimeUnit.SECONDS));
            assertThat(timedOut.getCause())
                    .isInstanceOf(TimeoutException.class)
                    .hasMessage("no response within 200 ms");

            int closed;
            try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = gone.getLocalPort();
            }
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class,
                    () -> UrlTest.measure(
                                    direct,
                                    "http://127.0.0.1:" + closed + "/",
                                    Duration.ofSeconds(5),
                                    transport.group().next())
                            .get(10, TimeUnit.SECONDS));
            assertThat(refused.getCause()).hasMessageContaining("Connection refused");
        }
    }
}
