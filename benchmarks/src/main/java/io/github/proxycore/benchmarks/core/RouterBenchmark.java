package io.github.proxycore.benchmarks.core;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.route.Router;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routing one connection against a realistic configuration: a 1,000-suffix rule set (geosite-sized), a keyword
 * rule, CIDR and port rules, then {@code final}. {@code hit} matches in the rule set, {@code miss} falls through
 * every rule; {@code ip} is an IP destination matched by CIDR.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {
    private Transport transport;
    private Outbounds outbounds;
    private Router router;
    private Metadata hit;
    private Metadata miss;
    private Metadata ip;

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder suffixes = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            suffixes.append(i == 0 ? "" : ",").append("\"site").append(i).append(".example\"");
        }
        ProxyConfig config = ConfigLoader.parse("{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"},"
                + "{\"type\": \"block\", \"tag\": \"block\"}, {\"type\": \"direct\", \"tag\": \"proxy\"}],"
                + "\"route\": {\"rule_set\": [{\"type\": \"inline\", \"tag\": \"geosite-big\", \"rules\": [{\"domain_suffix\": ["
                + suffixes + "]}]}],"
                + "\"rules\": [{\"inbound\": \"other-in\", \"outbound\": \"block\"},"
                + "  {\"domain_keyword\": [\"tracker\", \"analytics\"], \"outbound\": \"block\"},"
                + "  {\"ip_cidr\": [\"10.0.0.0/8\", \"172.16.0.0/12\", \"192.168.0.0/16\"], \"outbound\": \"direct\"},"
                + "  {\"rule_set\": \"geosite-big\", \"outbound\": \"proxy\"},"
                + "  {\"port\": [25, 465], \"outbound\": \"block\"}],"
                + "\"final\": \"direct\"}}");
        transport = Transport.create(1);
        outbounds = Outbounds.builder(config.outbounds()).transport(transport).build();
        router = Router.create(config.route(), outbounds, Path.of("."));
        InetSocketAddress source = new InetSocketAddress("192.168.1.100", 40000);
        hit = metadata("cdn.a.site777.example", source);
        miss = metadata("www.unlisted.example.org", source);
        ip = metadata("192.168.7.9", source);
    }

    private static Metadata metadata(String host, InetSocketAddress source) {
        return Metadata.builder(Network.TCP, Destination.of(host, 443))
                .source(source)
                .inboundTag("mixed-in")
                .external(true)
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        outbounds.close();
        transport.close();
    }

    @Benchmark
    public Router.Route hit() {
        return router.route(hit);
    }

    @Benchmark
    public Router.Route miss() {
        return router.route(miss);
    }

    @Benchmark
    public Router.Route ip() {
        return router.route(ip);
    }
}
