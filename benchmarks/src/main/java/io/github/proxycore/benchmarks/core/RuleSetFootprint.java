package io.github.proxycore.benchmarks.core;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.route.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap retained by a compiled rule set: builds 10 routers over the same set, holds them, and divides the heap growth
 * (after repeated full GCs) by 10. Run from the repository root:
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.proxycore.benchmarks.core.RuleSetFootprint}.
 */
public final class RuleSetFootprint {
    private RuleSetFootprint() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("rule-set-footprint");
        try (Transport transport = Transport.create(1)) {
            for (String set : List.of("v2/lite-geosite-cn.srs", "v1/geoip-cn.srs", "synthetic-100k")) {
                Path file = RuleSetBenchmark.file(set, dir);
                ProxyConfig config = ConfigLoader.parse("{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"d\"}],"
                        + "\"route\": {\"rule_set\": [{\"type\": \"local\", \"tag\": \"s\", \"path\": \"" + file
                        + "\"}], \"rules\": [{\"rule_set\": \"s\", \"outbound\": \"d\"}]}}");
                Outbounds outbounds = Outbounds.builder(config.outbounds())
                        .transport(transport)
                        .build();
                Router.create(config.route(), outbounds, dir); // warm up class loading
                long before = used();
                List<Router> held = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    held.add(Router.create(config.route(), outbounds, dir));
                }
                long after = used();
                System.out.printf(
                        "%-24s file %7d bytes, retained %8.1f KiB per loaded set (%d held)%n",
                        set, Files.size(file), (after - before) / 10.0 / 1024, held.size());
                outbounds.close();
            }
        }
    }

    private static long used() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100); // benchmark harness, not a test: lets the collector settle
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
