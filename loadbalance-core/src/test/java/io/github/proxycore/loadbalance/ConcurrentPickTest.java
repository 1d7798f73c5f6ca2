package io.github.proxycore.loadbalance;

import static io.github.proxycore.loadbalance.TestBalancers.options;
import static io.github.proxycore.loadbalance.TestBalancers.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.HashOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.loadbalance.support.ScriptedProber;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Picks and dials from many threads while health changes rebuild the snapshot and the ring underneath them. */
class ConcurrentPickTest {

    @ParameterizedTest
    @EnumSource(LoadBalanceStrategy.class)
    void picksNeverFailNorLeaveTheMemberSet(LoadBalanceStrategy strategy) throws Exception {
        FakeScheduler scheduler = new FakeScheduler();
        ScriptedProber prober = new ScriptedProber();
        List<RecordingOutbound> members = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            members.add(new RecordingOutbound("m" + i));
            prober.ok("m" + i, 10 + i);
        }
        prober.fail("m9", "always down");
        LoadBalanceOutbound lb = start(
                options(strategy, members, List.of())
                        .hash(HashOptions.of(HashKeyPart.SRC_IP, HashKeyPart.DST_PORT))
                        .build(),
                members,
                List.of(),
                null,
                scheduler,
                prober);
        lb.checkNow().get(5, TimeUnit.SECONDS);
        Set<String> allowed =
                members.stream().map(Outbound::tag).filter(t -> !t.equals("m9")).collect(Collectors.toSet());

        List<Metadata> connections = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            connections.add(Metadata.builder(Network.TCP, Destination.of("example.com", 1 + i % 7))
                    .source(new InetSocketAddress(
                            InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}), 1000 + i))
                    .build());
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong picks = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        int threads = 3;
        CountDownLatch finished = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread picker = new Thread(
                    () -> {
                        try {
                            int i = seed;
                            while (!stop.get()) {
                                Metadata m = connections.get(i++ & 1023);
                                Outbound picked = lb.pick(Network.TCP, m);
                                if (picked == null || !allowed.contains(picked.tag())) {
                                    problems.add("picked " + picked);
                                }
                                if ((i & 63) == 0) {
                                    Future<Channel> dial = lb.dial(m.destination(), m);
                                    if (!dial.isSuccess()) {
                                        problems.add("dial failed: " + dial.cause());
                                    } else {
                                        dial.getNow().close();
                                    }
                                }
                                picks.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            problems.add(e.toString());
                        } finally {
                            finished.countDown();
                        }
                    },
                    "picker-" + t);
            picker.start();
        }

        Random random = new Random(17);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int rebuilds = 0;
        while (rebuilds < 400 && System.nanoTime() < deadline) {
            // m0 and a random subset of m1..m8 are healthy, with random latencies. (Checks finish one by one, so
            // with no member healthy throughout, a pick between two of them could rightly find the pool empty.)
            int healthy = 1 | random.nextInt(1 << 9);
            for (int i = 0; i < 9; i++) {
                if ((healthy & (1 << i)) != 0) {
                    prober.ok("m" + i, 1 + random.nextInt(100));
                } else {
                    prober.fail("m" + i, "flapping");
                }
            }
            lb.checkNow().get(5, TimeUnit.SECONDS);
            rebuilds++;
        }
        stop.set(true);
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(problems).isEmpty();
        assertThat(rebuilds).isGreaterThan(50);
        assertThat(picks.get()).isGreaterThan(10_000);
        assertThat(members.get(9).dials()).isZero();
        lb.close();
    }
}
