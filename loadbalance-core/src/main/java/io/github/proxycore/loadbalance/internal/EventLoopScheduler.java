package io.github.proxycore.loadbalance.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on a Netty event executor: timers and time are both the executor's (its {@link Ticker}, a
 * {@code MockTicker} when a test drives the loop by hand), so a stamp and a timer never disagree. Tasks are short (they post to a {@link SyncContext}), so sharing an I/O loop is harmless.
 */
public final class EventLoopScheduler implements Scheduler {
    private static final Logger log = LoggerFactory.getLogger(EventLoopScheduler.class);

    private final EventExecutor executor;
    private final Ticker ticker;

    public EventLoopScheduler(EventExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.ticker = executor.ticker();
    }

    @Override
    public long nanoTime() {
        return ticker.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        try {
            ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            // The event loops are shutting down, so the balancer is going away with them: nothing left to time.
            log.debug("not scheduling a balancer task: the event loop is shutting down");
            return Cancellable.NONE;
        }
    }
}
