package io.github.proxycore.examples.api;

import io.github.proxycore.anytls.AnyTlsOutbound;
import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.outbound.BlockingConnection;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What a host application writes to embed proxycore: an AnyTLS outbound and a direct one it builds itself, a load
 * balancer over the two (health-checked against the origin), a request through it, and a close while another dial
 * is still in flight. Run by {@code EmbedInHostTest}.
 */
public final class EmbedInHost {
    private EmbedInHost() {}

    /** GETs {@code path} from {@code origin} through a balancer over the AnyTLS server at {@code server}. */
    public static String fetch(Destination server, String pinnedCertificate, Destination origin, String path)
            throws Exception {
        try (Transport transport = Transport.create(2)) {
            OutboundContext context = OutboundContext.of(transport);
            AnyTlsOutbound proxy = AnyTlsOutbound.create(
                    AnyTlsOutboundOptions.builder("proxy", server.host(), server.port(), "secret")
                            .tls(OutboundTlsOptions.builder()
                                    .certificate(pinnedCertificate)
                                    .build())
                            .build(),
                    context);
            DirectOutbound direct = DirectOutbound.create("direct", DialOptions.DEFAULT, context);
            LoadBalanceOutbound lb = LoadBalanceOutbound.create(
                    LoadBalanceOutboundOptions.builder("lb", LoadBalanceStrategy.RANDOM)
                            .primaryOutbounds(List.of("proxy", "direct"))
                            .url("http://" + origin + "/") // health checks go to the origin too
                            .build(),
                    OutboundContext.of(transport, List.of(proxy, direct)));
            try (proxy;
                    direct;
                    lb;
                    BlockingConnection c = BlockingConnection.open(lb.dial(origin), Duration.ofSeconds(10))) {
                c.output()
                        .write(("GET " + path + " HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                c.output().flush();
                lb.dial(origin); // still in flight when lb closes: it fails with "the outbound is closed"
                return new String(c.input().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
        }
    }
}
