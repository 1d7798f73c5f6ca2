package io.github.proxycore.loadbalance;

import static io.github.proxycore.loadbalance.TestBalancers.options;
import static io.github.proxycore.loadbalance.TestBalancers.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.internal.HealthChecker;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.loadbalance.support.ScriptedProber;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.testing.LogRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** When checks run: interval with jitter, timeouts, the concurrency cap, idle pauses. All on a fake clock. */
class HealthScheduleTest {
    private static final Metadata CONNECTION = Metadata.internal(Network.TCP, Destination.of("example.com", 443));

    private final FakeScheduler scheduler = new FakeScheduler();
    private final ScriptedProber prober = new ScriptedProber();

    private static List<RecordingOutbound> members(int n) {
        List<RecordingOutbound> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new RecordingOutbound("m" + i));
        }
        return out;
    }

    @Test
    void roundsComeEveryIntervalPlusJitterAfterTheLastOneEnded() {
        List<RecordingOutbound> primaries = members(1);
        prober.ok("m1", 10);
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, List.of()).build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober);
        scheduler.runDue();
        assertThat(prober.probes("m1")).as("the first answer is taken twice").isEqualTo(2);
        List<Duration> gaps = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            Duration next = scheduler.pending().get(0);
            gaps.add(next);
            scheduler.advance(next.minusNanos(1));
            assertThat(prober.probes("m1")).isEqualTo(round + 2);
            scheduler.advance(Duration.ofNanos(1));
            assertThat(prober.probes("m1")).isEqualTo(round + 3);
        }
        assertThat(gaps).allSatisfy(g -> assertThat(g).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11)));
        assertThat(gaps.stream().distinct().count()).as("jittered, not fixed").isGreaterThan(15);
        lb.close();
        assertThat(scheduler.pending()).as("closing cancels the next round").isEmpty();
    }

    @Test
    void aCheckWithoutAnswerFailsAfterTheTimeoutAndTheNextRoundWaitsForIt() {
        List<RecordingOutbound> primaries = members(2);
        prober.ok("m1", 10).hang("m2");
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, List.of()).build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober);
        scheduler.runDue();
        scheduler.advance(Duration.ofMillis(4999));
        assertThat(lb.snapshot().member("m2").orElseThrow().health()).isEqualTo(MemberHealth.UNKNOWN);
        assertThat(lb.snapshot().healthRounds()).isZero();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(lb.snapshot().member("m2").orElseThrow().lastError()).isEqualTo("timed out after 5000 ms");
        assertThat(prober.cancelled()).as("the timed-out probe is aborted").isEqualTo(1);
        assertThat(lb.snapshot().healthRounds()).isEqualTo(1);
        // a late answer to the aborted check changes nothing
        prober.answerHanging(1);
        assertThat(lb.snapshot().member("m2").orElseThrow().health()).isEqualTo(MemberHealth.UNHEALTHY);
        assertThat(scheduler.pending().get(0)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11));
        lb.close();
    }

    @Test
    void atMostTheCapOfChecksRunAtOnceAndAMemberIsNeverCheckedTwiceAtOnce() throws Exception {
        List<RecordingOutbound> primaries = members(5);
        for (RecordingOutbound m : primaries) {
            prober.hang(m.tag());
        }
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, List.of()).build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober,
                2);
        scheduler.runDue();
        assertThat(prober.totalProbes()).isEqualTo(2);
        CompletableFuture<List<CheckResult>> onDemand = lb.checkNow(); // joins the five checks in flight
        CompletableFuture<CheckResult> one = lb.checkNow("m1");
        assertThat(prober.totalProbes()).isEqualTo(2);
        prober.answerHanging(25); // m1 and m2 answer for the first time: each is taken again, in the same slot
        assertThat(prober.totalProbes()).isEqualTo(4);
        assertThat(one).isNotDone();
        prober.answerHanging(15); // m1 and m2 answer again: m3 and m4 start
        assertThat(prober.totalProbes()).isEqualTo(6);
        assertThat(one.get()).isEqualTo(CheckResult.success("m1", Tier.PRIMARY, Duration.ofMillis(15)));
        scheduler.advance(Duration.ofSeconds(5)); // m3 and m4 time out: m5 starts
        assertThat(prober.totalProbes()).isEqualTo(7);
        assertThat(onDemand).isNotDone();
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(onDemand).isDone();
        assertThat(onDemand.get()).extracting(CheckResult::isSuccess).containsExactly(true, true, false, false, false);
        for (RecordingOutbound m : primaries) {
            assertThat(prober.probes(m.tag()))
                    .as(m.tag())
                    .isEqualTo(m.tag().equals("m1") || m.tag().equals("m2") ? 2 : 1);
        }
        lb.close();
    }

    @Test
    void idleTimeoutPausesChecksAndTheNextDialResumesThemAtOnce() {
        List<RecordingOutbound> primaries = members(1);
        prober.ok("m1", 10);
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, List.of())
                        .idleTimeout(Duration.ofSeconds(35))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober);
        scheduler.runDue(); // round at t=0
        scheduler.advance(Duration.ofSeconds(34)); // rounds at ~10, ~20, ~30 s
        assertThat(prober.probes("m1")).isEqualTo(5); // the first answer was taken twice
        assertThat(lb.snapshot().checksPaused()).isFalse();
        try (LogRecorder.Capture logs = LogRecorder.capture(HealthChecker.class, Level.DEBUG)) {
            scheduler.advance(Duration.ofSeconds(12)); // the round due at ~40-44 s finds 35 s without a dial
            assertThat(logs.containing("paused"))
                    .containsExactly("DEBUG [lb] no dial for 35s; health checks paused until the next one");
        }
        assertThat(prober.probes("m1")).isEqualTo(5);
        assertThat(lb.snapshot().checksPaused()).isTrue();
        assertThat(scheduler.pending()).isEmpty();
        scheduler.advance(Duration.ofMinutes(30));
        assertThat(prober.probes("m1")).isEqualTo(5);

        lb.dial(CONNECTION.destination(), CONNECTION).getNow().close();
        assertThat(prober.probes("m1")).as("the dial triggers a check at once").isEqualTo(6);
        assertThat(lb.snapshot().checksPaused()).isFalse();
        scheduler.advance(Duration.ofSeconds(11));
        assertThat(prober.probes("m1")).as("and periodic rounds again").isEqualTo(7);
        lb.close();
    }

    @Test
    void dialsKeepChecksRunning() {
        List<RecordingOutbound> primaries = members(1);
        prober.ok("m1", 10);
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, List.of())
                        .idleTimeout(Duration.ofSeconds(35))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober);
        scheduler.runDue();
        for (int i = 0; i < 10; i++) {
            scheduler.advance(Duration.ofSeconds(20));
            lb.dial(CONNECTION.destination(), CONNECTION).getNow().close();
        }
        assertThat(lb.snapshot().checksPaused()).isFalse();
        assertThat(prober.probes("m1")).isGreaterThanOrEqualTo(18);
        lb.close();
    }
}
