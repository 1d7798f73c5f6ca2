package io.github.proxycore.anytls.internal.pool;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link SessionPool#maintain} on an injected executor, timed by that executor's own clock (the HikariCP housekeeper, with OkHttp's
 * "cleanup returns the next delay"): at start, then whenever the pool asks (each check interval, or earlier for a
 * back-off retry), and at once when {@link #wake()}n because the pool lost a session or a dial finished. Every run
 * happens on the one executor, so runs never overlap.
 */
public final class Housekeeper {
    private static final Logger log = LoggerFactory.getLogger(Housekeeper.class);

    private final SessionPool<?> pool;
    private final EventExecutor executor;
    private final Ticker ticker;
    private final IntConsumer dialer;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private ScheduledFuture<?> scheduled;
    private volatile boolean stopped;

    /**
     * @param dialer opens the given number of sessions for the ensure step (the pool already counts them as dialling)
     */
    public Housekeeper(SessionPool<?> pool, EventExecutor executor, IntConsumer dialer) {
        this.pool = pool;
        this.executor = executor;
        this.ticker = executor.ticker(); // one clock: the one the executor's timers run by
        this.dialer = dialer;
    }

    public void start() {
        wake();
    }

    /** Runs maintenance as soon as possible (coalesced: many wakes before the run make one run). */
    public void wake() {
        if (!stopped && wakePending.compareAndSet(false, true)) {
            executor.execute(() -> {
                wakePending.set(false);
                run();
            });
        }
    }

    public void stop() {
        stopped = true;
        executor.execute(() -> {
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        });
    }

    private void run() {
        if (stopped) {
            return;
        }
        long delay;
        try {
            SessionPool.Maintenance m = pool.maintain(ticker.nanoTime());
            if (log.isDebugEnabled()) {
                m.events().forEach(e -> log.debug(e.text()));
            }
            if (m.dials() > 0) {
                dialer.accept(m.dials());
            }
            delay = m.nextDelay();
        } catch (RuntimeException e) {
            log.warn("session pool maintenance failed; trying again in one check interval", e);
            delay = pool.config().checkInterval();
        }
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        if (delay >= 0 && !stopped) {
            scheduled = executor.schedule(this::run, delay, TimeUnit.NANOSECONDS);
        }
    }
}
