package io.github.proxycore.benchmarks.core;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.route.Router;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Rule sets at the size users load: the published lite geosite-cn (.srs v2), geoip-cn (.srs v1) from
 * {@code ../shared/rulesets} (run from the repository root), and a synthetic source set of 100,000 domain suffixes
 * (full geosite-cn size). {@code load} reads, decodes and compiles a file into a router; the lookups route one
 * connection through a single rule naming the set.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RuleSetBenchmark {
    /** A file under ../shared/rulesets, or {@code synthetic-100k} for a generated source set. */
    @Param({"v2/lite-geosite-cn.srs", "v1/geoip-cn.srs", "synthetic-100k"})
    public String set;

    private Transport transport;
    private Outbounds outbounds;
    private ProxyConfig config;
    private Path base;
    private Router router;
    private Metadata hit;
    private Metadata miss;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        base = Files.createTempDirectory("rule-set-bench");
        Path file = file(set, base);
        config = ConfigLoader.parse("{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"},"
                + "{\"type\": \"direct\", \"tag\": \"proxy\"}], \"route\": {\"rule_set\": [{\"type\": \"local\","
                + "\"tag\": \"set\", \"path\": \"" + file + "\"}], \"rules\": [{\"rule_set\": \"set\","
                + "\"outbound\": \"proxy\"}], \"final\": \"direct\"}}");
        transport = Transport.create(1);
        outbounds = Outbounds.builder(config.outbounds()).transport(transport).build();
        router = Router.create(config.route(), outbounds, base);
        if (set.contains("geoip")) {
            hit = metadata("114.114.114.114");
            miss = metadata("8.8.8.8");
        } else if (set.startsWith("synthetic")) {
            hit = metadata("cdn.static.site77777.example");
            miss = metadata("cdn.static.unlisted.example.org");
        } else {
            hit = metadata("img.alicdn.com");
            miss = metadata("www.unlisted-name.example.org");
        }
        if (router.route(hit).outbound().tag().equals("direct")
                || router.route(miss).outbound().tag().equals("proxy")) {
            throw new IllegalStateException("the probes do not hit and miss " + set);
        }
    }

    /** The file for {@code set}: under ../shared/rulesets, or generated into {@code dir}. */
    static Path file(String set, Path dir) throws IOException {
        if (!set.startsWith("synthetic")) {
            Path file =
                    Path.of("..", "shared", "rulesets", set).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("run from the repository root: " + file + " is missing");
            }
            return file;
        }
        StringBuilder json = new StringBuilder("{\"version\": 2, \"rules\": [{\"domain_suffix\": [");
        for (int i = 0; i < 100_000; i++) {
            json.append(i == 0 ? "" : ",").append("\"site").append(i).append(".example\"");
        }
        json.append("]}]}");
        Path file = dir.resolve("synthetic.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    private static Metadata metadata(String host) {
        return Metadata.builder(Network.TCP, Destination.of(host, 443)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
        outbounds.close();
        transport.close();
    }

    /** Read, decode and compile the file into a router. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Router load() {
        return Router.create(config.route(), outbounds, base);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Router.Route lookupHit() {
        return router.route(hit);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Router.Route lookupMiss() {
        return router.route(miss);
    }
}
