package io.github.proxycore.loadbalance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.loadbalance.Tier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HysteresisTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void entersBackupAfterConsecutiveFailuresOnly() {
        Hysteresis h = new Hysteresis(3, 30 * S);
        assertThat(h.primaryFailed(0)).isFalse();
        assertThat(h.primaryFailed(1)).isFalse();
        h.primarySucceeded();
        assertThat(h.consecutiveFailures()).isZero();
        assertThat(h.primaryFailed(2)).isFalse();
        assertThat(h.primaryFailed(3)).isFalse();
        assertThat(h.state()).isEqualTo(Tier.PRIMARY);
        assertThat(h.primaryFailed(4 * S)).isTrue();
        assertThat(h.state()).isEqualTo(Tier.BACKUP);
        assertThat(h.backupSinceNanos()).isEqualTo(4 * S);
        assertThat(h.primaryFailed(5 * S)).as("already in backup").isFalse();
    }

    @Test
    void holdsBackupUntilTheHoldTimeHasPassedAndPrimariesAreUsable() {
        Hysteresis h = new Hysteresis(1, 30 * S);
        assertThat(h.primaryFailed(10 * S)).isTrue();
        assertThat(h.maybeReturn(true, 39 * S)).isFalse();
        assertThat(h.holdRemainingNanos(39 * S)).isEqualTo(S);
        assertThat(h.maybeReturn(false, 40 * S)).isFalse();
        assertThat(h.holdRemainingNanos(40 * S)).isZero();
        assertThat(h.maybeReturn(true, 40 * S)).isTrue();
        assertThat(h.state()).isEqualTo(Tier.PRIMARY);
        assertThat(h.consecutiveFailures()).isZero();
        assertThat(h.maybeReturn(true, 41 * S)).isFalse();
    }

    @Test
    void zeroMeansNoDamping() {
        Hysteresis h = new Hysteresis(0, 0);
        assertThat(h.primaryFailed(5)).isTrue();
        assertThat(h.maybeReturn(true, 5)).isTrue();
    }
}
