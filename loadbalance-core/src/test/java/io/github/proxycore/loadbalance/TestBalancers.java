package io.github.proxycore.loadbalance;

import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.internal.HealthChecker;
import io.github.proxycore.loadbalance.internal.Prober;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.outbound.Outbound;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds balancers on a fake clock for tests. */
final class TestBalancers {
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private TestBalancers() {}

    static List<String> tags(List<? extends Outbound> outbounds) {
        List<String> tags = new ArrayList<>();
        for (Outbound o : outbounds) {
            tags.add(o.tag());
        }
        return tags;
    }

    /** Options over these members: a 10 s interval, 5 s timeout, no idle pause, everything else default. */
    static LoadBalanceOutboundOptions.Builder options(
            LoadBalanceStrategy strategy, List<? extends Outbound> primaries, List<? extends Outbound> backups) {
        return LoadBalanceOutboundOptions.builder("lb", strategy)
                .primaryOutbounds(tags(primaries))
                .backupOutbounds(tags(backups))
                .url("http://probe.test/generate_204")
                .interval(INTERVAL)
                .timeout(Duration.ofSeconds(5))
                .idleTimeout(Duration.ZERO);
    }

    static LoadBalanceOutbound start(
            LoadBalanceOutboundOptions options,
            List<? extends Outbound> primaries,
            List<? extends Outbound> backups,
            Outbound direct,
            FakeScheduler scheduler,
            Prober prober) {
        return start(
                options, primaries, backups, direct, scheduler, prober, HealthChecker.DEFAULT_MAX_CONCURRENT_CHECKS);
    }

    static LoadBalanceOutbound start(
            LoadBalanceOutboundOptions options,
            List<? extends Outbound> primaries,
            List<? extends Outbound> backups,
            Outbound direct,
            FakeScheduler scheduler,
            Prober prober,
            int maxConcurrentChecks) {
        LoadBalanceOutbound lb = new LoadBalanceOutbound(
                options,
                List.copyOf(primaries),
                List.copyOf(backups),
                direct,
                scheduler,
                prober,
                new Random(42),
                maxConcurrentChecks);
        lb.start();
        return lb;
    }

    /** Moves the fake clock until one more health round has completed (rounds come 10-11 s apart). */
    static void nextRound(LoadBalanceOutbound lb, FakeScheduler scheduler) {
        long before = lb.snapshot().healthRounds();
        for (int step = 0; step < 200 && lb.snapshot().healthRounds() == before; step++) {
            scheduler.advance(Duration.ofMillis(100));
        }
        if (lb.snapshot().healthRounds() != before + 1) {
            throw new AssertionError("expected one more round, rounds " + before + " -> "
                    + lb.snapshot().healthRounds());
        }
    }
}
