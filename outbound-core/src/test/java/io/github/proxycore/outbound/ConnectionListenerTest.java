package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.testing.Conditions;
import io.github.proxycore.testing.LocalHttpServer;
import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A {@link ConnectionListener} attached when building from a configuration hears dials and their ends. */
class ConnectionListenerTest {

    @Test
    void hearsEachDialsOutcomeAndEachConnectionsEnd() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (LocalHttpServer http = LocalHttpServer.start("listener");
                Outbounds outbounds = Outbounds.builder(
                                ConfigLoader.parse("{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"out\"}]}")
                                        .outbounds())
                        .listeners(ConnectionListener.class, tag -> new ConnectionListener() {
                            @Override
                            public void connected(String outbound, Destination destination, Channel channel) {
                                heard.add(outbound + " connected " + destination);
                            }

                            @Override
                            public void dialFailed(String outbound, Destination destination, Throwable cause) {
                                heard.add(outbound + " failed " + destination);
                            }

                            @Override
                            public void closed(String outbound, Destination destination, Channel channel) {
                                heard.add(outbound + " closed " + destination);
                            }
                        })
                        .build()) {
            Destination origin = Destination.of("127.0.0.1", http.port());
            Channel channel = outbounds.get("out").dial(origin).get(10, TimeUnit.SECONDS);
            channel.close().syncUninterruptibly();
            Conditions.await("the close reported", () -> heard.size() == 2);
            assertThat(heard).containsExactly("out connected " + origin, "out closed " + origin);

            Destination nowhere = Destination.of("127.0.0.1", 1);
            assertThat(outbounds.get("out").dial(nowhere).await(10, TimeUnit.SECONDS))
                    .isTrue();
            Conditions.await("the failure reported", () -> heard.size() == 3);
            assertThat(heard.get(2)).isEqualTo("out failed " + nowhere);
        }
    }
}
