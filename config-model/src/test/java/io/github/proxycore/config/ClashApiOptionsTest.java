package io.github.proxycore.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClashApiOptionsTest {
    @Test
    void acceptsGoStyleWildcardListenForm() {
        InetSocketAddress any = new ClashApiOptions(":9090", "").listenAddress();
        assertThat(any).isNotNull();
        assertThat(any.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(any.getPort()).isEqualTo(9090);
        assertThat(new ClashApiOptions("[::1]:0", "")
                        .listenAddress()
                        .getAddress()
                        .isLoopbackAddress())
                .isTrue();
        assertThat(new ClashApiOptions(":70000", "").listenAddress()).isNull();
        assertThat(new ClashApiOptions(":x", "").listenAddress()).isNull();
        assertThat(new ClashApiOptions("9090", "").listenAddress()).isNull();
        assertThat(new ClashApiOptions("localhost:9090", "").listenAddress()).isNull();
    }
}
