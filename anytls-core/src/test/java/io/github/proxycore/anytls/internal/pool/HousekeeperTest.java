package io.github.proxycore.anytls.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.PoolListener;
import io.github.proxycore.anytls.SessionCloseReason;
import io.github.proxycore.anytls.SessionOrigin;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The housekeeper's scheduling on an injected scheduler and clock (an EmbeddedChannel's event loop with frozen time):
 * it pre-warms at start, runs the cleanup every check interval, wakes early for a back-off retry, and stops.
 */
class HousekeeperTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<Integer> dials = new ArrayList<>();

    @AfterEach
    void tearDown() {
        loop.finishAndReleaseAll();
    }

    private void advance(long nanos) {
        loop.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        loop.runScheduledPendingTasks();
        loop.runPendingTasks();
    }

    @Test
    void prewarmsAtStartCleansEveryIntervalAndRetriesEarlyAfterAFailedDial() {
        loop.freezeTime();
        // interval 800 ms (back-off from 100 ms), idle timeout 500 ms, min_idle_session 1, ensure 1
        PoolConfig config = new PoolConfig(800 * MS, 500 * MS, 1, 0, 1, 0, 0, 0, 0);
        SessionPool<FakeSession> pool =
                new SessionPool<>(config, new Random(1), new PoolMetrics(PoolListener.NONE), () -> 0L, ZoneOffset.UTC);
        Housekeeper housekeeper = new Housekeeper(pool, loop.eventLoop(), dials::add);
        housekeeper.start();
        loop.runPendingTasks();
        assertThat(dials).as("the first run pre-warms").containsExactly(1);
        long now = loop.eventLoop().ticker().nanoTime();
        pool.dialFailed(SessionOrigin.ENSURE, now, new IOException("refused"));
        housekeeper.wake();
        loop.runPendingTasks();
        assertThat(dials).hasSize(1);
        advance(99 * MS);
        assertThat(dials).as("back-off: not before 100 ms").hasSize(1);
        advance(MS);
        assertThat(dials).containsExactly(1, 1);
        pool.ensureDialSucceeded(new FakeSession(5), now + 100 * MS); // newest: the one kept
        FakeSession extra = new FakeSession(2);
        pool.demandDialStarted();
        pool.demandDialSucceeded(extra, now + 100 * MS);
        pool.checkin(extra, now + 100 * MS);
        // the cleanup of the cycle at 800 ms closes the extra idle session (idle 700 ms > 500 ms)
        advance(699 * MS);
        assertThat(extra.retired).isEmpty();
        advance(MS);
        assertThat(extra.retired).containsExactly(SessionCloseReason.IDLE_TIMEOUT);
        housekeeper.stop();
        loop.runPendingTasks();
        pool.ensureDialSucceeded(new FakeSession(3), now); // nothing would run it now
        advance(10 * 800 * MS);
        assertThat(dials).hasSize(2);
    }
}
