package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.PoolStats;
import io.github.proxycore.anytls.SessionOrigin;
import io.github.proxycore.anytls.internal.pool.Housekeeper;
import io.github.proxycore.anytls.internal.pool.PoolLog;
import io.github.proxycore.anytls.internal.pool.PoolMetrics;
import io.github.proxycore.anytls.internal.pool.SessionPool;
import io.github.proxycore.outbound.TcpDialer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties the {@link SessionPool}'s decisions to real sessions: opens sessions with the {@link SessionConnector} (on
 * demand for a caller, or for the ensure step, whose sessions send Settings at once so that they are complete and
 * their heartbeats reach the wire), feeds session events back into the pool, and runs the {@link Housekeeper}.
 */
public final class SessionManager implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final SessionConnector connector;
    private final SessionPool<ClientSession> pool;
    private final PoolMetrics metrics;
    private final Ticker ticker;
    private final Housekeeper housekeeper;
    private final AtomicLong seq = new AtomicLong();

    public SessionManager(
            SessionConnector connector, SessionPool<ClientSession> pool, PoolMetrics metrics, EventExecutor scheduler) {
        this.connector = connector;
        this.pool = pool;
        this.metrics = metrics;
        this.ticker = scheduler.ticker(); // the clock of the loop that runs the housekeeper's timers
        this.housekeeper = new Housekeeper(pool, scheduler, this::dialForEnsure);
    }

    /** Starts the housekeeper: its first run already pre-warms the pool. */
    public void start() {
        housekeeper.start();
    }

    public SessionConnector connector() {
        return connector;
    }

    public PoolMetrics metrics() {
        return metrics;
    }

    /** The newest usable idle session, now busy, or {@code null}. */
    public ClientSession checkout() {
        return pool.checkout(ticker.nanoTime());
    }

    /**
     * The last resort after {@code failure} to dial a new session: the newest idle session the age floor kept past
     * its lifetime, now busy, or {@code null}. Logged, since the caller is served by a session due for rotation.
     */
    public ClientSession checkoutKept(Throwable failure) {
        SessionPool.Kept<ClientSession> kept = pool.checkoutKept(ticker.nanoTime());
        if (kept == null) {
            return null;
        }
        log.info(
                "[AgeCleanup] A new session to {} failed ({}): using session seq={} kept by min_idle_session_for_age"
                        + " (age={}, maxLife={})",
                connector.server(),
                describe(failure),
                kept.seq(),
                PoolLog.duration(kept.age()),
                PoolLog.duration(kept.lifetime()));
        return kept.session();
    }

    /**
     * Opens a session for a caller; it is busy from the start. Fails with a {@link SessionConnector.SessionFailure}, or
     * returns {@code null} if the pool is closed.
     */
    public Future<ClientSession> dialForDemand() {
        if (!pool.demandDialStarted()) {
            return null;
        }
        Promise<ClientSession> result = ImmediateEventExecutor.INSTANCE.newPromise();
        connector.connect(seq.incrementAndGet(), this).addListener(f -> {
            if (!f.isSuccess()) {
                pool.dialFailed(SessionOrigin.DEMAND, ticker.nanoTime(), f.cause());
                result.tryFailure(f.cause());
                return;
            }
            // the connector completes on the session's event loop: no close can be reported before this registers it
            ClientSession session = (ClientSession) f.getNow();
            pool.demandDialSucceeded(session, ticker.nanoTime());
            result.trySuccess(session);
        });
        return result;
    }

    private void dialForEnsure(int count) {
        for (int i = 0; i < count; i++) {
            long number = seq.incrementAndGet();
            connector.connect(number, this).addListener(f -> {
                long now = ticker.nanoTime();
                if (!f.isSuccess()) {
                    Throwable cause = f.cause();
                    int failures = pool.dialFailed(SessionOrigin.ENSURE, now, cause);
                    // a warning when a streak starts; the rest of it (one probe per back-off step) at debug
                    if (failures == 1 ? log.isWarnEnabled() : log.isDebugEnabled()) {
                        String message = String.format(
                                "[EnsureIdleSession] Failed to create session (seq=%d) to %s:" + " %s (%s)",
                                number, connector.server(), describe(cause), pool.backoffState(now));
                        if (failures == 1) {
                            log.warn(message);
                        } else {
                            log.debug(message);
                        }
                    }
                } else {
                    ClientSession session = (ClientSession) f.getNow();
                    int pooled = pool.ensureDialSucceeded(session, now);
                    if (pooled > 0) {
                        session.sendSettingsNow(); // on its event loop already: see dialForDemand
                        log.debug(
                                "[EnsureIdleSession] Successfully created and pooled session #{} (seq={})",
                                pooled,
                                number);
                    }
                }
                housekeeper.wake(); // a probe that succeeded ends the back-off; one that failed sets the retry time
            });
        }
    }

    private static String describe(Throwable cause) {
        return TcpDialer.describe(
                cause instanceof SessionConnector.SessionFailure && cause.getCause() != null
                        ? cause.getCause()
                        : cause);
    }

    @Override
    public void streamClosed(ClientSession session) {
        pool.checkin(session, ticker.nanoTime());
    }

    @Override
    public void sessionClosed(ClientSession session) {
        if (pool.removed(session, session.closeReason())) {
            housekeeper.wake(); // the ensure step replaces what the pool lost
        }
    }

    public PoolStats stats() {
        return pool.stats();
    }

    public SessionPool<ClientSession> pool() {
        return pool;
    }

    /** Stops the housekeeper and closes the pool (idle sessions now, busy ones when their stream ends). */
    public void close() {
        housekeeper.stop();
        pool.close();
    }
}
