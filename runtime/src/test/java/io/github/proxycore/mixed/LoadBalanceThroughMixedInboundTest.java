package io.github.proxycore.mixed;

import static io.github.proxycore.mixed.ProxyClients.connect;
import static io.github.proxycore.mixed.ProxyClients.get;
import static io.github.proxycore.mixed.ProxyClients.readHead;
import static io.github.proxycore.mixed.ProxyClients.socks5Connect;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.LoadBalanceSnapshot;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command line's engine with a loadbalance outbound: configuration in, balanced and health-checked traffic out. */
class LoadBalanceThroughMixedInboundTest {

    @Test
    void connectionsGoThroughTheBalancerToHealthyMembers() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("origin");
                Engine engine = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\", \"listen_port\": 0}],"
                                + "\"outbounds\": ["
                                + "  {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"a\", \"b\"],"
                                + "   \"url\": \"http://127.0.0.1:" + http.port()
                                + "/generate_204\", \"interval\": \"1m\","
                                + "   \"strategy\": \"consistent_hash\", \"hash\": {\"key_parts\": [\"src_ip\", \"dst_port\"]}},"
                                + "  {\"type\": \"direct\", \"tag\": \"a\"}, {\"type\": \"direct\", \"tag\": \"b\"}],"
                                + "\"route\": {\"final\": \"lb\"}}"))
                        .start()) {
            LoadBalanceOutbound lb = (LoadBalanceOutbound) engine.outbounds().get("lb");
            assertThat(lb.checkNow().get(10, TimeUnit.SECONDS))
                    .allSatisfy(r -> assertThat(r.isSuccess()).isTrue());
            for (int i = 0; i < 3; i++) {
                try (Socket s = connect(engine.inbound("in").localAddress())) {
                    assertThat(socks5Connect(s, "127.0.0.1", http.port())).isZero();
                    get(s, "/hello");
                    assertThat(readHead(s.getInputStream()).status()).isEqualTo(200);
                }
            }
            LoadBalanceSnapshot snapshot = lb.snapshot();
            assertThat(snapshot.members())
                    .allSatisfy(m -> assertThat(m.health()).isEqualTo(MemberHealth.HEALTHY));
        }
    }
}
