package io.github.proxycore.anytls.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.PoolListener;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * No race lets cleanup close a session after a stream was opened on it: worker threads hammer checkout / checkin
 * while another thread runs maintenance with a clock that makes every idle session due for closing (idle timeout 0,
 * lifetimes of about a second against a clock that races ahead). A session retired while a worker holds it is a
 * violation.
 */
class SessionPoolConcurrencyTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void cleanupNeverClosesASessionThatWasHandedOut() throws Exception {
        PoolConfig config = new PoolConfig(1, 0, 0, 0, 1, 0, SECOND, 0, 0);
        SessionPool<FakeSession> pool =
                new SessionPool<>(config, new Random(3), new PoolMetrics(PoolListener.NONE), () -> 0L, ZoneOffset.UTC);
        AtomicLong clock = new AtomicLong();
        AtomicLong seq = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicLong handedOut = new AtomicLong();
        AtomicLong closedByMaintenance = new AtomicLong();
        int workers = 4;
        ExecutorService threads = Executors.newFixedThreadPool(workers + 1);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?> housekeeper = threads.submit(() -> {
                start.await();
                while (!stop.get()) {
                    SessionPool.Maintenance m = pool.maintain(clock.addAndGet(SECOND / 20));
                    closedByMaintenance.addAndGet(m.closed().size());
                    for (int i = 0; i < m.dials(); i++) {
                        pool.ensureDialSucceeded(new FakeSession(seq.incrementAndGet()), clock.get());
                    }
                }
                return null;
            });
            List<Future<?>> users = new java.util.ArrayList<>();
            for (int w = 0; w < workers; w++) {
                users.add(threads.submit(() -> {
                    start.await();
                    // until both sides of the race have happened often enough (bounded in time)
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while ((handedOut.get() < 50_000 || closedByMaintenance.get() < 500)
                            && System.nanoTime() < deadline) {
                        FakeSession session = pool.checkout(clock.get());
                        if (session == null) {
                            pool.demandDialStarted();
                            session = new FakeSession(seq.incrementAndGet());
                            pool.demandDialSucceeded(session, clock.get());
                        } else {
                            handedOut.incrementAndGet();
                        }
                        // the "stream": whatever retired the session meanwhile must not have been the pool
                        if (!session.retired.isEmpty()) {
                            violations.add(session + " retired while busy: " + session.retired);
                        }
                        Thread.onSpinWait();
                        if (!session.retired.isEmpty()) {
                            violations.add(session + " retired while busy: " + session.retired);
                        }
                        pool.checkin(session, clock.get());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> user : users) {
                user.get(60, TimeUnit.SECONDS);
            }
            stop.set(true);
            housekeeper.get(10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(violations).isEmpty();
        // the test must actually have exercised both sides of the race
        assertThat(handedOut.get()).isGreaterThanOrEqualTo(50_000);
        assertThat(closedByMaintenance.get()).isGreaterThanOrEqualTo(500);
        assertThat(pool.stats().busy()).isZero();
        assertThat(pool.stats().total()).isEqualTo(pool.stats().idle());
    }
}
