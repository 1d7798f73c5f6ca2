package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.DomainStrategy;
import io.github.proxycore.testing.LoopbackTransport;
import io.github.proxycore.testing.UdpEchoServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DirectOutboundTest {
    @RegisterExtension
    static final LoopbackTransport LOOPBACK = new LoopbackTransport(2);

    private static Transport transport;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
    }

    private static DirectOutbound direct(DialOptions options, HostResolver resolver) {
        HostResolver r = resolver == null ? HostResolver.system() : resolver;
        return DirectOutbound.create("direct", options, new OutboundContext(transport, r, Map.of()));
    }

    @Test
    void dialsAndCarriesBytesWithAutoReadOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<Channel> dial =
                    direct(DialOptions.DEFAULT, null).dial(Destination.of("127.0.0.1", server.getLocalPort()));
            try (Socket accepted = server.accept()) {
                Channel channel = dial.get(5, TimeUnit.SECONDS);
                assertThat(channel.config().isAutoRead()).isFalse();
                BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
                channel.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        received.add(msg.toString(StandardCharsets.US_ASCII));
                    }
                });
                accepted.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
                accepted.getOutputStream().flush();
                // nothing is read before the caller asks
                assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
                channel.config().setAutoRead(true);
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("pong");

                channel.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII))
                        .sync();
                byte[] ping = accepted.getInputStream().readNBytes(4);
                assertThat(new String(ping, StandardCharsets.US_ASCII)).isEqualTo("ping");
                channel.close().sync();
            }
        }
    }

    @Test
    void refusedDialNamesOutboundDestinationAndCause() throws Exception {
        int port = freePort();
        Future<Channel> dial = direct(DialOptions.DEFAULT, null).dial(Destination.of("127.0.0.1", port));
        assertThat(dial.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dial.cause())
                .isInstanceOf(DialException.class)
                .hasMessageStartingWith("outbound \"direct\" (direct) could not reach 127.0.0.1:" + port + ": ")
                .hasMessageContaining("Connection refused");
        assertThat(((DialException) dial.cause()).outboundTag()).isEqualTo("direct");
    }

    @Test
    void unresolvableNamesSaySo() throws Exception {
        HostResolver table = HostResolver.of(Map.of());
        Future<Channel> dial = direct(DialOptions.DEFAULT, table).dial(Destination.of("nowhere.test", 80));
        assertThat(dial.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dial.cause())
                .hasMessage(
                        "outbound \"direct\" (direct) could not reach nowhere.test:80: cannot resolve nowhere.test: not in"
                                + " the resolver's table");
    }

    @Test
    void domainsResolveAndHappyEyeballsFallsBackToTheOtherFamily() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            // ::1 has nothing on this port: the IPv6 attempt is refused and the IPv4 one wins
            HostResolver table = HostResolver.of(
                    Map.of("dual.test", List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"))));
            DialOptions preferV6 = DialOptions.builder()
                    .domainStrategy(DomainStrategy.PREFER_IPV6)
                    .fallbackDelay(Duration.ofSeconds(10))
                    .build();
            Channel channel = direct(preferV6, table)
                    .dial(Destination.of("dual.test", port))
                    .get(5, TimeUnit.SECONDS);
            assertThat(((InetSocketAddress) channel.remoteAddress()).getAddress())
                    .isEqualTo(InetAddress.getByName("127.0.0.1"));
            server.accept().close();
            channel.close().sync();

            DialOptions v6Only = DialOptions.builder()
                    .domainStrategy(DomainStrategy.IPV6_ONLY)
                    .build();
            Future<Channel> refused = direct(v6Only, table).dial(Destination.of("dual.test", port));
            assertThat(refused.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.cause()).hasMessageContaining("Connection refused");
        }
    }

    @Test
    void anAttemptThatHangsIsOvertakenAfterTheFallbackDelay() throws Exception {
        // A listener whose accept queue is full makes the kernel drop further SYNs, so a connect to it hangs.
        try (ServerSocket stuck = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"));
                ServerSocket good = new ServerSocket(stuck.getLocalPort(), 1, InetAddress.getByName("127.0.0.1"))) {
            int port = stuck.getLocalPort();
            List<Socket> fillers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(new InetSocketAddress("127.0.0.2", port), 200);
                } catch (java.io.IOException full) {
                    // expected once the queue is full
                }
                fillers.add(filler);
            }
            try {
                HostResolver table = HostResolver.of(Map.of(
                        "slow.test", List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"))));
                DialOptions options = DialOptions.builder()
                        .connectTimeout(Duration.ofSeconds(30))
                        .fallbackDelay(Duration.ofMillis(50))
                        .build();
                // without the fallback this would wait for the 30 s connect timeout and miss the 5 s below
                Channel channel = direct(options, table)
                        .dial(Destination.of("slow.test", port))
                        .get(5, TimeUnit.SECONDS);
                assertThat(((InetSocketAddress) channel.remoteAddress()).getAddress())
                        .isEqualTo(InetAddress.getByName("127.0.0.1"));
                good.accept().close();
                channel.close().sync();
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void udpRoundTripToAnIpAndToAName() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start()) {
            HostResolver table = HostResolver.of(Map.of("echo.test", List.of(InetAddress.getByName("127.0.0.1"))));
            Destination byIp = Destination.of("127.0.0.1", echo.port());
            Destination byName = Destination.of("echo.test", echo.port());
            Channel udp = direct(DialOptions.DEFAULT, table)
                    .listenPacket(Metadata.internal(Network.UDP, byIp))
                    .get(5, TimeUnit.SECONDS);
            BlockingQueue<String> received = new ArrayBlockingQueue<>(8);
            udp.pipeline().addLast(new SimpleChannelInboundHandler<UdpPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, UdpPacket packet) {
                    received.add(packet.content().toString(StandardCharsets.US_ASCII) + "@" + packet.address());
                }
            });
            udp.config().setAutoRead(true);
            udp.writeAndFlush(new UdpPacket(Unpooled.copiedBuffer("one", StandardCharsets.US_ASCII), byIp))
                    .sync();
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("one@127.0.0.1:" + echo.port());
            for (String word : new String[] {"two", "three", "four"}) {
                udp.write(new UdpPacket(Unpooled.copiedBuffer(word, StandardCharsets.US_ASCII), byName));
            }
            udp.flush();
            // order is kept for packets that waited for the name to resolve
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("two@127.0.0.1:" + echo.port());
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("three@127.0.0.1:" + echo.port());
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("four@127.0.0.1:" + echo.port());
            udp.close().sync();
        }
    }

    @Test
    void aDetourCarriesUdpAsWellAsTcp() throws Exception {
        BlockOutbound deny = new BlockOutbound("deny");
        DirectOutbound viaDeny = DirectOutbound.create(
                "via-deny",
                DialOptions.builder().detour("deny").build(),
                new OutboundContext(transport, HostResolver.system(), Map.of("deny", deny)));
        Destination d = Destination.of("127.0.0.1", 53);
        // both go through the block outbound, neither leaves the host directly
        assertThat(viaDeny.dial(d).await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(viaDeny.dial(d).cause()).hasMessageContaining("\"deny\" (block)");
        Future<Channel> udp = viaDeny.listenPacket(d, Metadata.internal(Network.UDP, d));
        assertThat(udp.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(udp.cause()).hasMessageContaining("\"deny\" (block)");
    }

    @Test
    void blockRefusesBothNetworks() throws Exception {
        BlockOutbound block = new BlockOutbound("deny");
        Destination d = Destination.of("example.com", 443);
        assertThat(block.dial(d).cause())
                .hasMessage("outbound \"deny\" (block) could not reach example.com:443: blocked");
        assertThat(block.listenPacket(Metadata.internal(Network.UDP, d)).cause())
                .isInstanceOf(DialException.class);
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
