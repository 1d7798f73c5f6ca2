package io.github.proxycore.benchmarks.loadbalance;

import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.internal.Balancer;
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
 * One pick of the {@code loadbalance} outbound: read the snapshot, build the key {@code src_ip|dst_port|network|
 * inbound_tag} in the per-thread buffer, XXH64 it, binary-search the ring (V=100); or a random pick. Goal: at most
 * 100 ns and 0 B/op ({@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoadBalancePickBenchmark {
    @Param({"consistent_hash", "random"})
    public String strategy;

    @Param({"4", "50"})
    public int members;

    private Balancer balancer;
    private Metadata[] connections;
    private int next;

    @Setup
    public void setUp() {
        LoadBalanceStrategy s =
                strategy.equals("random") ? LoadBalanceStrategy.RANDOM : LoadBalanceStrategy.CONSISTENT_HASH;
        balancer = BenchMembers.balancer(
                s,
                members,
                100,
                List.of(HashKeyPart.SRC_IP, HashKeyPart.DST_PORT, HashKeyPart.NETWORK, HashKeyPart.INBOUND_TAG));
        connections = BenchMembers.connections(1024, 256);
    }

    @Benchmark
    public Object pick() {
        return balancer.pick(Network.TCP, connections[next++ & 1023]);
    }
}
