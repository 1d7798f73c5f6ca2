package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.config.DialOptions;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A dial takes its destination once; metadata that contradicts it is refused before anything is sent. */
class MetadataConsistencyTest {
    @Test
    void metadataForAnotherPortHostOrNetworkIsRefused() {
        Destination to = Destination.of("127.0.0.1", 80);
        Metadata tcp = Metadata.internal(Network.TCP, to);
        assertThat(tcp.requireFor(Network.TCP, to)).isSameAs(tcp);
        assertThatThrownBy(() -> tcp.requireFor(Network.TCP, Destination.of("127.0.0.1", 81)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("127.0.0.1:81")
                .hasMessageContaining("127.0.0.1:80");
        assertThatThrownBy(() -> tcp.requireFor(Network.UDP, to))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("udp connection")
                .hasMessageContaining("tcp metadata");
        assertThatThrownBy(() -> new BlockOutbound("b").dial(Destination.of("example.com", 80), tcp))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void directDialsTheMetadatasDestinationAndRefusesAContradiction() throws Exception {
        try (Transport transport = Transport.create(1);
                ServerSocket target = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            DirectOutbound direct = DirectOutbound.create(
                    "direct", DialOptions.DEFAULT, new OutboundContext(transport, HostResolver.system(), Map.of()));
            Destination to = Destination.of("127.0.0.1", target.getLocalPort());
            Future<Channel> byMetadata = direct.dial(Metadata.builder(Network.TCP, to)
                    .inboundTag("test")
                    .external(true)
                    .build());
            assertThat(byMetadata.get(5, TimeUnit.SECONDS).remoteAddress().toString())
                    .endsWith(":" + target.getLocalPort());
            byMetadata.getNow().close().sync();
            Future<Channel> byDestination = direct.dial(to);
            byDestination.get(5, TimeUnit.SECONDS).close().sync();
            assertThatThrownBy(() -> direct.dial(to, Metadata.internal(Network.UDP, to)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> direct.listenPacket(to, Metadata.internal(Network.TCP, to)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
