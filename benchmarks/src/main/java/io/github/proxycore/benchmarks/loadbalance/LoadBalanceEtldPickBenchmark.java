package io.github.proxycore.benchmarks.loadbalance;

import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.internal.Balancer;
import io.github.proxycore.loadbalance.internal.EtldPlusOne;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A consistent-hash pick keyed by {@code src_ip|etld_plus_one} with the eTLD+1 cache warm (up to 768 names of 256
 * sites, well inside the 4096-entry cache); goal at most 200 ns. {@link #uncachedEtld} is the Public Suffix List
 * lookup the cache saves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoadBalanceEtldPickBenchmark {
    @Param({"4", "50"})
    public int members;

    private Balancer balancer;
    private Metadata[] connections;
    private int next;

    @Setup
    public void setUp() {
        balancer = BenchMembers.balancer(
                LoadBalanceStrategy.CONSISTENT_HASH,
                members,
                100,
                List.of(HashKeyPart.SRC_IP, HashKeyPart.ETLD_PLUS_ONE));
        connections = BenchMembers.connections(1024, 256);
        for (Metadata m : connections) {
            balancer.pick(Network.TCP, m); // warm the cache
        }
    }

    @Benchmark
    public Object pickWarmCache() {
        return balancer.pick(Network.TCP, connections[next++ & 1023]);
    }

    @Benchmark
    public Object uncachedEtld() {
        return EtldPlusOne.compute(connections[next++ & 1023].destination().domain());
    }
}
