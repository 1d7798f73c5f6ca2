package io.github.proxycore.benchmarks.core;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.SocksAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Encoding and decoding one SOCKS5 address, as every AnyTLS stream and SOCKS request does once. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SocksAddressBenchmark {
    @Param({"example.com", "93.184.216.34", "2001:db8::1"})
    public String host;

    private Destination destination;
    private ByteBuf encoded;
    private ByteBuf scratch;

    @Setup(Level.Trial)
    public void setUp() {
        destination = Destination.of(host, 443);
        encoded = PooledByteBufAllocator.DEFAULT.directBuffer(300);
        SocksAddress.encode(destination, encoded);
        scratch = PooledByteBufAllocator.DEFAULT.directBuffer(300);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
        scratch.release();
    }

    @Benchmark
    public int encode() {
        scratch.clear();
        SocksAddress.encode(destination, scratch);
        return scratch.writerIndex();
    }

    @Benchmark
    public Destination decode() {
        encoded.readerIndex(0);
        return SocksAddress.decode(encoded);
    }
}
