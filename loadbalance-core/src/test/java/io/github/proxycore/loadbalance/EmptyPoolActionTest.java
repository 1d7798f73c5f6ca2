package io.github.proxycore.loadbalance;

import static io.github.proxycore.loadbalance.TestBalancers.nextRound;
import static io.github.proxycore.loadbalance.TestBalancers.options;
import static io.github.proxycore.loadbalance.TestBalancers.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.outbound.EmptyPoolAction;
import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.HashOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.internal.DialAttempt;
import io.github.proxycore.loadbalance.internal.HashRing;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.loadbalance.support.ScriptedProber;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.UdpPacket;
import io.github.proxycore.testing.LocalHttpServer;
import io.github.proxycore.testing.UdpEchoServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What happens when no member is usable: {@code error}, {@code fallback_all}, {@code direct}. */
class EmptyPoolActionTest {
    private final FakeScheduler scheduler = new FakeScheduler();
    private final ScriptedProber prober =
            new ScriptedProber().fail("p1", "down").fail("p2", "down").fail("b1", "down");
    private final List<RecordingOutbound> primaries = List.of(new RecordingOutbound("p1"), new RecordingOutbound("p2"));
    private final List<RecordingOutbound> backups = List.of(new RecordingOutbound("b1", Network.TCP));

    private static Metadata tcp(String host, int port) {
        return Metadata.internal(Network.TCP, Destination.of(host, port));
    }

    @Test
    void errorFailsTheConnectionNamingTheBalancer() throws Exception {
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, backups).build(),
                primaries,
                backups,
                null,
                scheduler,
                prober);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().activeMembers()).isEmpty();
        Future<Channel> dial = lb.dial(Destination.of("example.com", 443), tcp("example.com", 443));
        assertThat(dial.cause())
                .isInstanceOf(DialException.class)
                .hasMessageStartingWith(
                        "outbound \"lb\" (loadbalance) could not reach example.com:443: " + "no usable member for tcp")
                .hasMessageContaining("p1: unhealthy - down");
        assertThat(((DialException) dial.cause()).outboundTag()).isEqualTo("lb");
        Future<Channel> udp = lb.listenPacket(
                Destination.of("8.8.8.8", 53), Metadata.internal(Network.UDP, Destination.of("8.8.8.8", 53)));
        assertThat(udp.cause()).hasMessageContaining("b1: no udp");
        assertThat(lb.pick(Network.TCP, tcp("example.com", 443))).isNull();
        assertThat(primaries.get(0).dials()
                        + primaries.get(1).dials()
                        + backups.get(0).dials())
                .isZero();
        lb.close();
    }

    @Test
    void fallbackAllTriesEveryMemberRegardlessOfHealth() throws Exception {
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, primaries, backups)
                        .hash(HashOptions.of(HashKeyPart.DST_PORT))
                        .emptyPoolAction(EmptyPoolAction.FALLBACK_ALL)
                        .build(),
                primaries,
                backups,
                null,
                scheduler,
                prober);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().activeMembers()).containsExactly("p1", "p2", "b1");
        List<String> all = List.of("p1", "p2", "b1");
        HashRing ring = HashRing.build(all, 100);
        for (int port = 1; port <= 40; port++) {
            byte[] key = Integer.toString(port).getBytes(StandardCharsets.US_ASCII);
            String expected = all.get(ring.lookup(HashRing.XXH64.hashBytes(key)));
            Future<Channel> dial = lb.dial(Destination.of("example.com", port), tcp("example.com", port));
            assertThat(dial.isSuccess()).isTrue();
            assertThat(lb.pick(Network.TCP, tcp("example.com", port)).tag()).isEqualTo(expected);
            dial.getNow().close();
        }
        assertThat(primaries.get(0).dials()
                        + primaries.get(1).dials()
                        + backups.get(0).dials())
                .isEqualTo(40);
        assertThat(backups.get(0).dials()).isPositive();
        // UDP only to members that carry it, even now
        Metadata udp = Metadata.internal(Network.UDP, Destination.of("8.8.8.8", 53));
        for (int i = 0; i < 20; i++) {
            assertThat(lb.pick(Network.UDP, udp).tag()).isIn("p1", "p2");
        }
        lb.close();
    }

    @Test
    void fallbackAllTriesEveryMemberOneAtATimeUntilOneConnects() throws Exception {
        List<RecordingOutbound> five = List.of(
                new RecordingOutbound("m1"),
                new RecordingOutbound("m2"),
                new RecordingOutbound("m3"),
                new RecordingOutbound("m4"),
                new RecordingOutbound("m5"));
        ScriptedProber down = new ScriptedProber();
        five.forEach(m -> down.fail(m.tag(), "down"));
        five.stream().filter(m -> !m.tag().equals("m4")).forEach(m -> m.failing(true));
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, five, List.of())
                        .hash(HashOptions.of(HashKeyPart.DST_PORT))
                        .emptyPoolAction(EmptyPoolAction.FALLBACK_ALL)
                        .build(),
                five,
                List.of(),
                null,
                scheduler,
                down);
        nextRound(lb, scheduler);
        // one member of five connects: every request reaches it, however far round the ring it is
        for (int port = 1; port <= 20; port++) {
            Future<Channel> dial = lb.dial(Destination.of("example.com", port), tcp("example.com", port));
            assertThat(dial.isSuccess())
                    .as("request %d: %s", port, dial.cause())
                    .isTrue();
            dial.getNow().close();
        }
        assertThat(five.get(3).dials()).isEqualTo(20);
        assertThat(five.stream().mapToInt(RecordingOutbound::dials).sum())
                .as("requests whose ring walk starts elsewhere tried failing members first")
                .isGreaterThan(20);

        // none connects: the error lists all five
        five.get(3).failing(true);
        Future<Channel> failed = lb.dial(Destination.of("example.com", 443), tcp("example.com", 443));
        assertThat(failed.cause()).hasMessageContaining("5 members failed");
        lb.close();
    }

    @Test
    void fallbackAllTriesOneMemberAtATimeWithinItsTimeout() throws Exception {
        List<RecordingOutbound> three =
                List.of(new RecordingOutbound("m1"), new RecordingOutbound("m2"), new RecordingOutbound("m3"));
        ScriptedProber down = new ScriptedProber();
        three.forEach(m -> down.fail(m.tag(), "down"));
        three.forEach(m -> m.hanging(true));
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, three, List.of())
                        .emptyPoolAction(EmptyPoolAction.FALLBACK_ALL)
                        .build(),
                three,
                List.of(),
                null,
                scheduler,
                down);
        nextRound(lb, scheduler);
        Future<Channel> dial = lb.dial(Destination.of("example.com", 443), tcp("example.com", 443));
        assertThat(pending(three)).hasSize(1); // one at a time
        pending(three).get(0).setFailure(new java.io.IOException("member's connection refused"));
        assertThat(pending(three)).hasSize(2);
        assertThat(dial).isNotDone();
        scheduler.advance(DialAttempt.FALLBACK_ALL_TIMEOUT.minusMillis(1));
        assertThat(dial).isNotDone();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(dial.cause())
                .isInstanceOf(DialException.class)
                .hasMessageContaining("fallback_all: no member connected within 15s (2 of 3 members tried")
                .hasMessageContaining("member's connection refused");
        assertThat(pending(three))
                .as("the dial in flight is abandoned")
                .allMatch(io.netty.util.concurrent.Future::isDone)
                .filteredOn(io.netty.util.concurrent.Future::isCancelled)
                .hasSize(1);
        assertThat(three.stream().mapToInt(RecordingOutbound::dials).sum()).isEqualTo(2);
        lb.close();
    }

    private static List<io.netty.util.concurrent.Promise<Channel>> pending(List<RecordingOutbound> members) {
        return members.stream().flatMap(m -> m.pending().stream()).toList();
    }

    @Test
    void directConnectsStraightToTheDestinationAndIsInterruptedWhenMembersReturn() throws Exception {
        try (Transport transport = Transport.create(1);
                LocalHttpServer http = LocalHttpServer.start("direct");
                UdpEchoServer echo = UdpEchoServer.start()) {
            DirectOutbound direct = DirectOutbound.create("lb", DialOptions.DEFAULT, OutboundContext.of(transport));
            LoadBalanceOutbound lb = start(
                    options(LoadBalanceStrategy.RANDOM, primaries, backups)
                            .emptyPoolAction(EmptyPoolAction.DIRECT)
                            .build(),
                    primaries,
                    backups,
                    direct,
                    scheduler,
                    prober);
            nextRound(lb, scheduler);
            assertThat(lb.pick(Network.TCP, tcp("127.0.0.1", http.port()))).isSameAs(direct);

            Future<Channel> dial = lb.dial(Destination.of("127.0.0.1", http.port()), tcp("127.0.0.1", http.port()));
            Channel channel = dial.get(5, TimeUnit.SECONDS);
            assertThat(((InetSocketAddress) channel.remoteAddress()).getPort()).isEqualTo(http.port());
            assertThat(lb.snapshot().directConnections()).isEqualTo(1);

            Destination echoAt = Destination.of("127.0.0.1", echo.port());
            Channel udp = lb.listenPacket(echoAt, Metadata.internal(Network.UDP, echoAt))
                    .get(5, TimeUnit.SECONDS);
            BlockingQueue<String> replies = new ArrayBlockingQueue<>(1);
            udp.pipeline().addLast(new SimpleChannelInboundHandler<UdpPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, UdpPacket packet) {
                    replies.add(packet.content().toString(StandardCharsets.UTF_8));
                }
            });
            udp.config().setAutoRead(true);
            udp.writeAndFlush(new UdpPacket(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8), echoAt));
            assertThat(replies.poll(5, TimeUnit.SECONDS)).isEqualTo("ping");
            assertThat(primaries.get(0).dials()
                            + primaries.get(1).dials()
                            + backups.get(0).dials())
                    .isZero();

            // a member is back (after rise, 2 passing checks): the direct fallback leaves the active set and its
            // internal connections close
            prober.ok("p1", 10);
            nextRound(lb, scheduler);
            assertThat(lb.snapshot().member("p1").orElseThrow().health()).isEqualTo(MemberHealth.RECOVERING);
            assertThat(channel.isOpen()).isTrue();
            nextRound(lb, scheduler);
            assertThat(channel.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(udp.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(lb.pick(Network.TCP, tcp("127.0.0.1", http.port())).tag())
                    .isEqualTo("p1");
            lb.close();
        }
    }
}
