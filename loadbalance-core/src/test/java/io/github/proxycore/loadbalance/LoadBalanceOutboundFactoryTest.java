package io.github.proxycore.loadbalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.outbound.DirectOutboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.UdpPacket;
import io.github.proxycore.testing.Conditions;
import io.github.proxycore.testing.LocalHttpServer;
import io.github.proxycore.testing.UdpEchoServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The outbound as a host builds it: from JSON, through {@link Outbounds} and the service loader, on real time. */
class LoadBalanceOutboundFactoryTest {

    @Test
    void builtFromConfigurationItChecksItsMembersAndCarriesTcpAndUdp() throws Exception {
        try (Transport transport = Transport.create(2);
                LocalHttpServer http = LocalHttpServer.start("factory");
                UdpEchoServer echo = UdpEchoServer.start()) {
            OutboundOptions lbOptions = ConfigLoader.parseOutbound("""
                    {
                      "type": "loadbalance",
                      "tag": "lb",
                      "primary_outbounds": ["direct-a", "direct-b"],
                      "backup_outbounds": ["blocked"],
                      "url": "http://127.0.0.1:%d/generate_204",
                      "interval": "1m",
                      "timeout": "5s",
                      "top_n": {"primary": 2},
                      "tolerance": 50,
                      "strategy": "consistent_hash",
                      "hash": {"key_parts": ["src_ip", "matched_ruleset_or_etld"], "virtual_nodes": 100,
                               "on_empty_key": "random", "salt": ""},
                      "hysteresis": {"primary_failures": 3, "backup_hold_time": "5m"},
                      "empty_pool_action": "reject",
                      "interrupt_exist_connections": false,
                      "prefer_domain": true
                    }
                    """.formatted(http.port()));
            OutboundOptions blocked = ConfigLoader.parseOutbound("{\"type\": \"block\", \"tag\": \"blocked\"}");
            List<OutboundOptions> config = List.of(
                    lbOptions, DirectOutboundOptions.of("direct-a"), DirectOutboundOptions.of("direct-b"), blocked);
            try (Outbounds outbounds =
                    Outbounds.builder(config).transport(transport).build()) {
                Outbound built = outbounds.get("lb");
                assertThat(built).isInstanceOf(LoadBalanceOutbound.class);
                LoadBalanceOutbound lb = (LoadBalanceOutbound) built;
                assertThat(lb.networks()).containsExactlyInAnyOrder(Network.TCP, Network.UDP);

                Conditions.await("the first health round", () -> lb.snapshot().healthRounds() >= 1);
                LoadBalanceSnapshot s = lb.snapshot();
                assertThat(s.bootstrap()).isFalse();
                assertThat(s.member("direct-a").orElseThrow().healthy()).isTrue();
                assertThat(s.member("direct-b").orElseThrow().healthy()).isTrue();
                assertThat(s.member("blocked").orElseThrow().lastError()).contains("blocked");
                assertThat(s.activeMembers()).containsExactly("direct-a", "direct-b");

                List<CheckResult> results = lb.checkNow().get(10, TimeUnit.SECONDS);
                assertThat(results).extracting(CheckResult::tag).containsExactly("direct-a", "direct-b", "blocked");
                assertThat(results).extracting(CheckResult::isSuccess).containsExactly(true, true, false);

                assertThat(fetchHello(lb, http)).contains("hello from factory");
                assertThat(echoThrough(lb, echo)).isEqualTo("ping");
            }
        }
    }

    private static String fetchHello(LoadBalanceOutbound lb, LocalHttpServer http) throws Exception {
        Destination server = Destination.of("127.0.0.1", http.port());
        Metadata metadata = Metadata.builder(Network.TCP, server)
                .source(new InetSocketAddress("192.168.1.100", 50000))
                .external(true)
                .build();
        Channel channel = lb.dial(server, metadata).get(10, TimeUnit.SECONDS);
        StringBuilder response = new StringBuilder();
        channel.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                synchronized (response) {
                    response.append(msg.toString(StandardCharsets.US_ASCII));
                }
            }
        });
        channel.config().setAutoRead(true);
        String request = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        channel.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        synchronized (response) {
            return response.toString();
        }
    }

    private static String echoThrough(LoadBalanceOutbound lb, UdpEchoServer echo) throws Exception {
        Destination to = Destination.of("127.0.0.1", echo.port());
        Channel udp = lb.listenPacket(to, Metadata.internal(Network.UDP, to)).get(10, TimeUnit.SECONDS);
        BlockingQueue<String> replies = new ArrayBlockingQueue<>(1);
        udp.pipeline().addLast(new SimpleChannelInboundHandler<UdpPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, UdpPacket packet) {
                replies.add(packet.content().toString(StandardCharsets.UTF_8));
            }
        });
        udp.config().setAutoRead(true);
        udp.writeAndFlush(new UdpPacket(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8), to));
        String reply = replies.poll(10, TimeUnit.SECONDS);
        udp.close().await(5, TimeUnit.SECONDS);
        return reply;
    }
}
