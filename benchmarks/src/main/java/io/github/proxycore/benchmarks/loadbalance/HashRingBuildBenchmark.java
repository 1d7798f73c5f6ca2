package io.github.proxycore.benchmarks.loadbalance;

import io.github.proxycore.loadbalance.internal.HashRing;
import java.util.ArrayList;
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
 * Building the ring from scratch (hash {@code tag:i} for every point, sort unsigned): what a change of the active
 * member set costs, off the pick path. N=50, V=200 gives 10,000 points.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HashRingBuildBenchmark {
    @Param({"50"})
    public int members;

    @Param({"200"})
    public int virtualNodes;

    private List<String> tags;

    @Setup
    public void setUp() {
        tags = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            tags.add("proxy-" + i);
        }
    }

    @Benchmark
    public HashRing build() {
        return HashRing.build(tags, virtualNodes);
    }
}
