package io.github.proxycore.loadbalance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncContextTest {

    @Test
    void aTaskSubmittedFromATaskRunsAfterIt() {
        SyncContext sync = new SyncContext();
        List<String> order = new ArrayList<>();
        sync.execute(() -> {
            order.add("outer start");
            sync.execute(() -> order.add("inner"));
            order.add("outer end");
        });
        assertThat(order).containsExactly("outer start", "outer end", "inner");
    }

    @Test
    void aFailingTaskDoesNotStopTheOthers() {
        SyncContext sync = new SyncContext();
        List<String> order = new ArrayList<>();
        sync.execute(() -> {
            sync.execute(() -> {
                throw new IllegalStateException("boom (expected by the test)");
            });
            sync.execute(() -> order.add("after"));
        });
        assertThat(order).containsExactly("after");
    }

    @Test
    void tasksFromManyThreadsRunOneAtATimeAndAllRun() throws Exception {
        SyncContext sync = new SyncContext();
        AtomicInteger inside = new AtomicInteger();
        int[] counter = {0}; // unsynchronised on purpose: the context must serialise
        int threads = 4;
        int perThread = 20_000;
        CountDownLatch done = new CountDownLatch(threads);
        AtomicInteger overlaps = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                        for (int i = 0; i < perThread; i++) {
                            sync.execute(() -> {
                                if (inside.incrementAndGet() != 1) {
                                    overlaps.incrementAndGet();
                                }
                                counter[0]++;
                                inside.decrementAndGet();
                            });
                        }
                        done.countDown();
                    })
                    .start();
        }
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        int[] seen = new int[1];
        sync.execute(() -> seen[0] = counter[0]);
        assertThat(overlaps.get()).isZero();
        assertThat(seen[0]).isEqualTo(threads * perThread);
    }
}
