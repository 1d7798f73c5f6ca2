package io.github.proxycore.benchmarks.loadbalance;

import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.HashOptions;
import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.config.outbound.OnEmptyKey;
import io.github.proxycore.loadbalance.internal.Balancer;
import io.github.proxycore.loadbalance.internal.Prober;
import io.github.proxycore.loadbalance.internal.Scheduler;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A balancer core for pick benchmarks: members that are never dialled, health checks that never run (so every
 * member serves, as in bootstrap), and a clock that never fires.
 */
final class BenchMembers {
    private BenchMembers() {}

    static Balancer balancer(LoadBalanceStrategy strategy, int members, int virtualNodes, List<HashKeyPart> parts) {
        List<Outbound> outbounds = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            outbounds.add(new IdleOutbound("proxy-" + i));
            tags.add("proxy-" + i);
        }
        LoadBalanceOutboundOptions options = LoadBalanceOutboundOptions.builder("lb", strategy)
                .primaryOutbounds(tags)
                .hash(new HashOptions(parts, virtualNodes, OnEmptyKey.RANDOM, ""))
                .build();
        Scheduler never = new Scheduler() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                return Cancellable.NONE;
            }
        };
        Prober unused = (member, callback) -> Scheduler.Cancellable.NONE;
        return new Balancer(options, outbounds, List.of(), never, unused, new Random(1), 10);
    }

    /** {@code count} connections from distinct clients and ports, to {@code domains} distinct sites. */
    static Metadata[] connections(int count, int domains) {
        Random random = new Random(7);
        Metadata[] out = new Metadata[count];
        for (int i = 0; i < count; i++) {
            byte[] ip = {10, (byte) random.nextInt(256), (byte) random.nextInt(256), (byte) random.nextInt(256)};
            try {
                int site = random.nextInt(domains);
                out[i] = Metadata.builder(Network.TCP, Destination.of("cdn" + (i % 3) + ".site" + site + ".co.uk", 443))
                        .source(new java.net.InetSocketAddress(
                                java.net.InetAddress.getByAddress(ip), 1024 + random.nextInt(60000)))
                        .inboundTag("mixed-in")
                        .external(true)
                        .build();
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    private record IdleOutbound(String tag) implements Outbound {
        @Override
        public String type() {
            return "idle";
        }

        @Override
        public Set<Network> networks() {
            return EnumSet.of(Network.TCP, Network.UDP);
        }

        @Override
        public Future<Channel> dial(Destination destination, Metadata metadata) {
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(
                    new DialException(tag, type(), destination, "benchmark members are never dialled", null));
        }
    }
}
