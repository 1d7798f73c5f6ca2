package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.SessionCloseReason;
import io.github.proxycore.anytls.internal.pool.PoolLog;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat of one client session, on the session's event loop: a HeartRequest every {@code interval}, the first
 * after a random phase in {@code [0, interval)} so that sessions created together do not beat together (docs/anytls.md,
 * heartbeat). Liveness: once a heartbeat has been written to the socket, the server has {@code timeout} to send
 * anything at all (the HeartResponse, any other frame, or part of one: a read of the socket counts, not a decoded
 * frame, since a 16 KiB record may take many reads to arrive whole); if nothing was read by then, the session is
 * closed with {@code heartbeat_timeout}. It does not judge while the session has paused reading (a congested
 * stream), nor when its own check runs late by more than half the timeout: then this loop was not running (an
 * overloaded machine, a GC pause), what the server sent may be waiting unread, and the check is taken once more a
 * timeout later. Started only once the peer has announced v2, so v1 servers, which never answer, get no heartbeats.
 */
final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final ClientSession session;
    private final long interval;
    private final long timeout;
    private final RandomGenerator random;
    private ScheduledFuture<?> next;
    private ScheduledFuture<?> check;
    private boolean stopped;

    Heartbeat(ClientSession session, long interval, long timeout, RandomGenerator random) {
        this.session = session;
        this.interval = interval;
        this.timeout = timeout;
        this.random = random;
    }

    /**
     * Logs a HeartResponse. The three {@code [Heartbeat]} lines are exactly docs/anytls.md's and share this class's
     * logger, so {@code io.github.proxycore.anytls.internal.Heartbeat=debug} shows them and nothing else.
     */
    static void responseReceived() {
        log.debug("[Heartbeat] Received heartbeat response");
    }

    void start() {
        schedule(random.nextLong(interval));
    }

    void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
        if (check != null) {
            check.cancel(false);
        }
    }

    private void schedule(long delay) {
        next = session.channel().eventLoop().schedule(this::beat, delay, TimeUnit.NANOSECONDS);
    }

    private void beat() {
        if (stopped || !session.isActive()) {
            return;
        }
        log.debug("[Heartbeat] Sending heartbeat request");
        long readsBefore = session.reads();
        session.sendHeartbeat().addListener(f -> {
            if (!f.isSuccess()) {
                return; // the session is closing anyway
            }
            log.debug("[Heartbeat] Heartbeat sent successfully");
            if (check == null && !stopped) {
                // measured from the write, not the send: a beat queued behind a slow upload is not the peer's fault
                scheduleCheck(readsBefore, true);
            }
        });
        schedule(interval);
    }

    private void scheduleCheck(long readsBefore, boolean mayRetry) {
        long due = session.nanoTime() + timeout;
        check = session.channel()
                .eventLoop()
                .schedule(() -> verify(readsBefore, due, mayRetry), timeout, TimeUnit.NANOSECONDS);
    }

    private void verify(long readsBefore, long due, boolean mayRetry) {
        check = null;
        if (stopped || !session.isActive() || session.reads() != readsBefore || session.readPaused()) {
            return;
        }
        if (mayRetry && session.nanoTime() - due > timeout / 2) {
            scheduleCheck(readsBefore, false); // this loop was late, not necessarily the server
            return;
        }
        log.debug("[Heartbeat] No answer within {} ({}): closing the session", PoolLog.duration(timeout), session);
        session.retire(SessionCloseReason.HEARTBEAT_TIMEOUT);
    }
}
