package io.github.proxycore.loadbalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.outbound.BlockOutbound;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.testing.ManualLoop;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A load balancer built with public API over a transport whose loop runs on a fake clock ({@link ManualLoop}): the
 * health-check timers and the timestamps they compare (the last dial, for the idle pause) come from that one clock,
 * so moving it by hand drives the checks, with no sleep.
 */
class OneClockTest {

    @Test
    void healthRoundsAndTheIdlePauseFollowTheLoopsFakeClock() {
        try (ManualLoop loop = new ManualLoop()) {
            LoadBalanceOutboundOptions options = LoadBalanceOutboundOptions.builder("lb", LoadBalanceStrategy.RANDOM)
                    .primaryOutbounds(List.of("a", "b"))
                    .url("http://127.0.0.1:9/generate_204")
                    .interval(Duration.ofSeconds(10))
                    .idleTimeout(Duration.ofSeconds(25))
                    .build();
            LoadBalanceOutbound lb = LoadBalanceOutbound.create(
                    options,
                    OutboundContext.of(loop.transport(), List.of(new BlockOutbound("a"), new BlockOutbound("b"))));
            try {
                assertThat(OutboundContext.of(loop.transport()).ticker().nanoTime())
                        .as("the context's clock is the loop's")
                        .isEqualTo(loop.ticker().nanoTime());
                loop.runPending();
                assertThat(lb.snapshot().healthRounds())
                        .as("the first round runs at start")
                        .isEqualTo(1);
                assertThat(lb.snapshot().member("a").orElseThrow().healthy()).isFalse();

                // rounds every 10 s (+ up to 10% jitter): at 10-11 s and 20-22 s; then 25 s without a dial pauses them
                loop.advance(Duration.ofSeconds(9), Duration.ofMillis(500));
                assertThat(lb.snapshot().healthRounds()).isEqualTo(1);
                loop.advance(Duration.ofSeconds(14), Duration.ofMillis(500));
                assertThat(lb.snapshot().healthRounds()).isEqualTo(3);
                assertThat(lb.snapshot().checksPaused()).isFalse();
                loop.advance(Duration.ofSeconds(11), Duration.ofMillis(500));
                assertThat(lb.snapshot().checksPaused())
                        .as("no dial for 25 s on the same clock")
                        .isTrue();
                assertThat(lb.snapshot().healthRounds()).isEqualTo(3);
                loop.advance(Duration.ofMinutes(10), Duration.ofSeconds(1));
                assertThat(lb.snapshot().healthRounds())
                        .as("paused: no timer runs a round")
                        .isEqualTo(3);

                // a dial resumes them at once (it fails: both members refuse)
                assertThat(lb.dial(Destination.of("127.0.0.1", 80)).isDone()).isTrue();
                loop.runPending();
                assertThat(lb.snapshot().checksPaused()).isFalse();
                assertThat(lb.snapshot().healthRounds()).isEqualTo(4);
            } finally {
                lb.close();
                loop.runPending();
            }
        }
    }
}
