package io.github.proxycore.loadbalance;

import static io.github.proxycore.loadbalance.TestBalancers.nextRound;
import static io.github.proxycore.loadbalance.TestBalancers.options;
import static io.github.proxycore.loadbalance.TestBalancers.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.HysteresisOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.loadbalance.support.ScriptedProber;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The recovering state (docs/loadbalance.md) on a fake clock: a member that was unhealthy and passes again serves only
 * after {@code hysteresis.rise} checks in a row, and until then counts as not usable for the tier hysteresis too.
 */
class RecoveringTest {
    private static final Metadata CONNECTION = Metadata.internal(Network.TCP, Destination.of("example.com", 443));

    private final FakeScheduler scheduler = new FakeScheduler();
    private final ScriptedProber prober =
            new ScriptedProber().ok("p1", 10).ok("p2", 20).ok("b1", 30);
    private final List<RecordingOutbound> primaries = List.of(new RecordingOutbound("p1"), new RecordingOutbound("p2"));
    private final List<RecordingOutbound> backups = List.of(new RecordingOutbound("b1"));

    private LoadBalanceOutbound balancer(HysteresisOptions hysteresis) {
        return start(
                options(LoadBalanceStrategy.RANDOM, primaries, backups)
                        .hysteresis(hysteresis)
                        .build(),
                primaries,
                backups,
                null,
                scheduler,
                prober);
    }

    private static MemberHealth health(LoadBalanceOutbound lb, String tag) {
        return lb.snapshot().member(tag).orElseThrow().health();
    }

    private static Set<String> picked(LoadBalanceOutbound lb) {
        Set<String> tags = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            tags.add(lb.pick(Network.TCP, CONNECTION).tag());
        }
        return tags;
    }

    @Test
    void anUnhealthyMemberServesAgainOnlyAfterRiseChecksInARow() {
        LoadBalanceOutbound lb = balancer(HysteresisOptions.DEFAULT); // rise 2
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().activeMembers()).containsExactly("p1", "p2");

        prober.fail("p1", "down");
        nextRound(lb, scheduler);
        assertThat(health(lb, "p1")).isEqualTo(MemberHealth.UNHEALTHY);

        prober.ok("p1", 10);
        nextRound(lb, scheduler);
        MemberSnapshot p1 = lb.snapshot().member("p1").orElseThrow();
        assertThat(p1.health()).isEqualTo(MemberHealth.RECOVERING);
        assertThat(p1.lastLatency()).isEqualTo(Duration.ofMillis(10));
        assertThat(p1.active()).isFalse();
        assertThat(p1.inTopN()).isFalse();
        assertThat(picked(lb)).containsExactly("p2");

        prober.fail("p1", "down again"); // a failure while recovering starts over
        nextRound(lb, scheduler);
        assertThat(health(lb, "p1")).isEqualTo(MemberHealth.UNHEALTHY);
        prober.ok("p1", 10);
        nextRound(lb, scheduler);
        assertThat(health(lb, "p1")).isEqualTo(MemberHealth.RECOVERING);
        assertThat(picked(lb)).containsExactly("p2");

        nextRound(lb, scheduler); // the second pass in a row
        assertThat(health(lb, "p1")).isEqualTo(MemberHealth.HEALTHY);
        assertThat(lb.snapshot().activeMembers()).containsExactly("p1", "p2");
        assertThat(picked(lb)).containsExactlyInAnyOrder("p1", "p2");
        lb.close();
    }

    @Test
    void riseIsConfigurableAndZeroOrOneRestoresAtOnce() {
        for (int rise : new int[] {0, 1, 3}) {
            LoadBalanceOutbound lb = balancer(new HysteresisOptions(3, Duration.ofSeconds(30), rise));
            prober.fail("p1", "down");
            nextRound(lb, scheduler); // a member that fails its very first check must rise too
            assertThat(health(lb, "p1")).isEqualTo(MemberHealth.UNHEALTHY);
            prober.ok("p1", 10);
            int passes = 0;
            do {
                nextRound(lb, scheduler);
                passes++;
            } while (health(lb, "p1") == MemberHealth.RECOVERING);
            assertThat(health(lb, "p1")).isEqualTo(MemberHealth.HEALTHY);
            assertThat(passes).as("rise %d", rise).isEqualTo(Math.max(1, rise));
            lb.close();
        }
    }

    @Test
    void recoveringPrimariesAreNotUsableForTheTierHysteresis() {
        // primary_failures 1, no hold: the tiers follow the primaries' usability round by round
        LoadBalanceOutbound lb = balancer(new HysteresisOptions(1, Duration.ZERO, 2));
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);

        prober.fail("p1", "down").fail("p2", "down");
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);

        prober.ok("p1", 10).ok("p2", 20);
        nextRound(lb, scheduler);
        // both pass, but recovering: still no usable primary, so the balancer stays on the backups
        assertThat(health(lb, "p1")).isEqualTo(MemberHealth.RECOVERING);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        assertThat(lb.snapshot().activeMembers()).containsExactly("b1");

        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
        assertThat(lb.snapshot().activeMembers()).containsExactly("p1", "p2");
        lb.close();
    }
}
