package io.github.proxycore.loadbalance;

import static io.github.proxycore.loadbalance.TestBalancers.nextRound;
import static io.github.proxycore.loadbalance.TestBalancers.options;
import static io.github.proxycore.loadbalance.TestBalancers.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.HysteresisOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.internal.Balancer;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.loadbalance.support.ScriptedProber;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.testing.LogRecorder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** Primary and backup tiers with the hysteresis of docs/loadbalance.md, on a fake clock. */
class TierTest {
    private static final Metadata CONNECTION = Metadata.internal(Network.TCP, Destination.of("example.com", 443));

    private final FakeScheduler scheduler = new FakeScheduler();
    private final ScriptedProber prober = new ScriptedProber().ok("b1", 30);
    private final List<RecordingOutbound> primaries = List.of(new RecordingOutbound("p1"), new RecordingOutbound("p2"));
    private final List<RecordingOutbound> backups = List.of(new RecordingOutbound("b1"));

    private LoadBalanceOutbound balancer(int primaryFailures, Duration hold) {
        return start(
                options(LoadBalanceStrategy.RANDOM, primaries, backups)
                        // rise 1: one passing check restores a member, so these rounds show the tier rules alone
                        // (RecoveringTest has rise and the tiers together)
                        .hysteresis(new HysteresisOptions(primaryFailures, hold, 1))
                        .build(),
                primaries,
                backups,
                null,
                scheduler,
                prober);
    }

    private void primaries(boolean up) {
        for (RecordingOutbound p : primaries) {
            if (up) {
                prober.ok(p.tag(), 20);
            } else {
                prober.fail(p.tag(), "down");
            }
        }
    }

    private String dialTier(LoadBalanceOutbound lb) {
        String tag = lb.pick(Network.TCP, CONNECTION).tag();
        lb.dial(CONNECTION.destination(), CONNECTION).getNow().close();
        return tag.startsWith("p") ? "primary" : "backup";
    }

    @Test
    void flappingPrimariesDoNotSwitchTiersEveryRound() {
        LoadBalanceOutbound lb = balancer(3, Duration.ofSeconds(30));
        for (int round = 0; round < 12; round++) {
            boolean up = round % 2 == 0;
            primaries(up);
            nextRound(lb, scheduler);
            assertThat(lb.snapshot().state()).as("round %d", round).isEqualTo(Tier.PRIMARY);
            // nothing is black-holed: with no usable primary, this connection goes to the backup at once
            assertThat(dialTier(lb)).isEqualTo(up ? "primary" : "backup");
            assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
        }
        lb.close();
    }

    @Test
    void logLinesCountFailuresOnlyWhileTheyCountAndPrintDurationsInGoSyntax() {
        try (LogRecorder.Capture logs = LogRecorder.capture(Balancer.class, Level.DEBUG)) {
            LoadBalanceOutbound lb = balancer(3, Duration.ofSeconds(30));
            primaries(false);
            for (int round = 0; round < 5; round++) {
                nextRound(lb, scheduler);
            }
            assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
            assertThat(logs.containing("found no usable primary"))
                    .satisfiesExactly(
                            line -> assertThat(line)
                                    .isEqualTo("DEBUG [lb] health round found no usable primary (1 consecutive)"),
                            line -> assertThat(line)
                                    .isEqualTo("DEBUG [lb] health round found no usable primary (2 consecutive)"),
                            line -> assertThat(line)
                                    .isEqualTo("DEBUG [lb] health round found no usable primary (3 consecutive)"),
                            // rounds 10-11 s apart: about 20 s, then 10 s of the 30 s hold left; no count any more
                            line -> assertThat(line)
                                    .matches("DEBUG \\[lb\\] health round found no usable primary \\(in backup"
                                            + " state, hold 1\\d(\\.\\d+)?s left\\)"),
                            line -> assertThat(line)
                                    .matches("DEBUG \\[lb\\] health round found no usable primary \\(in backup"
                                            + " state, hold \\d(\\.\\d+)?s left\\)"));
            assertThat(logs.containing("tier switch"))
                    .containsExactly("DEBUG [lb] tier switch: primary -> backup after 3 consecutive primary failures"
                            + " (last: a health round); holding for at least 30s");
            assertThat(logs.lines()).noneMatch(line -> line.matches(".*\\bPT\\d.*"));
            lb.close();
        }
    }

    @Test
    void switchesAfterConsecutiveFailuresAndHoldsTheBackupTier() {
        LoadBalanceOutbound lb = balancer(3, Duration.ofSeconds(30));
        primaries(false);
        nextRound(lb, scheduler);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
        assertThat(lb.snapshot().consecutivePrimaryFailures()).isEqualTo(2);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        // nextRound steps the clock 100 ms at a time, so the round ran up to 100 ms ago
        assertThat(lb.snapshot().backupHoldRemaining()).isBetween(Duration.ofMillis(29_900), Duration.ofSeconds(30));
        assertThat(dialTier(lb)).isEqualTo("backup");

        primaries(true); // primaries recover within the hold: the backup stays in charge
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        assertThat(lb.snapshot().member("p1").orElseThrow().healthy()).isTrue();
        assertThat(dialTier(lb)).isEqualTo("backup");
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);

        // the hold ends between rounds: the balancer returns as soon as it is over, primaries being usable
        Duration remaining = lb.snapshot().backupHoldRemaining();
        assertThat(remaining).isPositive().isLessThan(Duration.ofSeconds(10));
        scheduler.advance(remaining.minusMillis(1));
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
        assertThat(lb.snapshot().consecutivePrimaryFailures()).isZero();
        assertThat(dialTier(lb)).isEqualTo("primary");
        lb.close();
    }

    @Test
    void whileHoldingBackupWithNoUsableBackupHealthyPrimariesServe() {
        LoadBalanceOutbound lb = balancer(1, Duration.ofMinutes(5));
        primaries(false);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        primaries(true);
        prober.fail("b1", "backup down too");
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        assertThat(lb.snapshot().backupHoldRemaining()).isPositive();
        assertThat(dialTier(lb)).isEqualTo("primary");
        assertThat(lb.snapshot().activeMembers()).containsExactly("p1", "p2");
        lb.close();
    }

    @Test
    void dialsThatFindNoPrimaryCountAsFailures() {
        LoadBalanceOutbound lb = balancer(3, Duration.ofSeconds(30));
        primaries(false);
        nextRound(lb, scheduler); // 1
        assertThat(dialTier(lb)).isEqualTo("backup"); // 2
        assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
        assertThat(dialTier(lb)).isEqualTo("backup"); // 3
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        lb.close();
    }

    @Test
    void aRoundWithAUsablePrimaryResetsTheCount() {
        LoadBalanceOutbound lb = balancer(2, Duration.ofSeconds(30));
        primaries(false);
        nextRound(lb, scheduler);
        primaries(true);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().consecutivePrimaryFailures()).isZero();
        primaries(false);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        lb.close();
    }

    @Test
    void zeroDampingSwitchesAtOnceBothWays() {
        LoadBalanceOutbound lb = balancer(0, Duration.ZERO);
        primaries(false);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.BACKUP);
        primaries(true);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
        lb.close();
    }
}
