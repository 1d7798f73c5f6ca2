package io.github.proxycore.loadbalance.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on whichever thread submits while no other thread is draining (the
 * model of gRPC's {@code SynchronizationContext}). Every change to the balancer's mutable state (health, Top-N,
 * hysteresis, the published snapshot) happens here, so that state needs no lock, and a task that submits another
 * task (a dial that fails at once, inside a health round) sees it run after itself instead of re-entering.
 *
 * <p>Tasks must be short and never block: the draining thread may be a Netty event loop.
 */
public final class SyncContext implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SyncContext.class);

    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Thread> drainer = new AtomicReference<>();

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        drain();
    }

    private void drain() {
        do {
            if (!drainer.compareAndSet(null, Thread.currentThread())) {
                return; // the thread draining now runs our task too
            }
            try {
                Runnable task;
                while ((task = queue.poll()) != null) {
                    try {
                        task.run();
                    } catch (Throwable t) {
                        // A bug in one task must not stop the ones queued behind it, nor reach a Netty event loop.
                        log.warn("load balancer task failed", t);
                    }
                }
            } finally {
                drainer.set(null);
            }
            // A task added between the last poll and the release would otherwise wait for the next submission.
        } while (!queue.isEmpty());
    }
}
