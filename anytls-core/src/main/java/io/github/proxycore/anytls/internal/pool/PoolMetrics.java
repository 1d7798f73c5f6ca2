package io.github.proxycore.anytls.internal.pool;

import io.github.proxycore.anytls.PoolListener;
import io.github.proxycore.anytls.PoolStats;
import io.github.proxycore.anytls.SessionCloseReason;
import io.github.proxycore.anytls.SessionOrigin;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's counters and the host's {@link PoolListener}: every event is counted here and passed on. A listener that
 * throws is logged and otherwise ignored, so metrics can never break the pool. Thread-safe.
 */
public final class PoolMetrics {
    private static final Logger log = LoggerFactory.getLogger(PoolMetrics.class);

    private final PoolListener listener;
    private final LongAdder[] created = adders(SessionOrigin.values().length);
    private final LongAdder[] closed = adders(SessionCloseReason.values().length);
    private final LongAdder dialsFailed = new LongAdder();
    private final LongAdder streamsOpened = new LongAdder();
    private final LongAdder streamsFailed = new LongAdder();
    private final LongAdder streamsRetried = new LongAdder();

    public PoolMetrics(PoolListener listener) {
        this.listener = listener == null ? PoolListener.NONE : listener;
    }

    void created(SessionOrigin origin) {
        created[origin.ordinal()].increment();
        notify(() -> listener.sessionCreated(origin));
    }

    void closed(SessionCloseReason reason) {
        closed[reason.ordinal()].increment();
        notify(() -> listener.sessionClosed(reason));
    }

    void dialFailed(SessionOrigin origin, Throwable cause) {
        dialsFailed.increment();
        notify(() -> listener.dialFailed(origin, cause));
    }

    public void streamOpened() {
        streamsOpened.increment();
        notify(listener::streamOpened);
    }

    public void streamFailed(Throwable cause) {
        streamsFailed.increment();
        notify(() -> listener.streamFailed(cause));
    }

    public void streamRetried() {
        streamsRetried.increment();
        notify(listener::streamRetried);
    }

    PoolStats snapshot(int idle, int busy, int dialing, int total) {
        return new PoolStats(
                idle,
                busy,
                dialing,
                total,
                created[SessionOrigin.DEMAND.ordinal()].sum(),
                created[SessionOrigin.ENSURE.ordinal()].sum(),
                dialsFailed.sum(),
                closed[SessionCloseReason.IDLE_TIMEOUT.ordinal()].sum(),
                closed[SessionCloseReason.MAX_AGE.ordinal()].sum(),
                closed[SessionCloseReason.HEARTBEAT_TIMEOUT.ordinal()].sum(),
                closed[SessionCloseReason.REMOTE.ordinal()].sum(),
                closed[SessionCloseReason.ERROR.ordinal()].sum(),
                closed[SessionCloseReason.SHUTDOWN.ordinal()].sum(),
                streamsOpened.sum(),
                streamsFailed.sum(),
                streamsRetried.sum());
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("a pool listener failed", e);
        }
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] out = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            out[i] = new LongAdder();
        }
        return out;
    }
}
