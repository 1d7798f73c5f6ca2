package io.github.proxycore.anytls.internal.pool;

import io.github.proxycore.anytls.PoolStats;
import io.github.proxycore.anytls.SessionCloseReason;
import io.github.proxycore.anytls.SessionOrigin;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The session pool of an AnyTLS outbound: which sessions exist, which are idle, and every rule of the seven pool
 * fields as docs/anytls.md describes them. It holds state and makes decisions; it opens nothing itself (the owner dials
 * the sessions {@link #maintain} asks for) and closes sessions only through {@link PooledSession#retire}.
 *
 * <ul>
 *   <li><b>Checkout</b> takes the newest (highest {@code seq}) idle session that is alive and within its lifetime. An
 *       expired idle session met on the way is closed ({@code max_age}) unless the age floor
 *       ({@code min_idle_session_for_age}) protects it; an expired session is handed out only by
 *       {@link #checkoutKept}, the last resort when a new dial failed.
 *   <li><b>Checkin</b> (a stream ended): the session becomes idle again, or is closed if it outlived its lifetime
 *       while busy.
 *   <li><b>Maintenance</b> ({@link #maintain}), the OkHttp-style pure function of {@code now} the housekeeper calls:
 *       every check interval idle cleanup then age cleanup; on every call the ensure step; returns the delay until
 *       it wants to run again.
 * </ul>
 *
 * <p>Every transition happens under one lock, so a session is either handed out or chosen for closing, never both:
 * checkout removes it from the idle set in the same critical section that cleanup reads the idle set in. Sessions are
 * retired and listeners told after the lock is released. Thread-safe; time is always passed in.
 */
public final class SessionPool<S extends PooledSession> {

    private final PoolConfig config;
    private final Lifetimes lifetimes;
    private final DialBackoff backoff;
    private final PoolMetrics metrics;
    private final LongSupplier wallMillis;
    private final ZoneId zone;

    private final Map<S, Slot<S>> all = new HashMap<>();
    private final NavigableMap<Long, Slot<S>> idle = new TreeMap<>();
    private int busy;
    private int demandDialing;
    private int ensureDialing;
    private boolean started;
    private long nextCleanupAt;
    private int dialsThisCycle;
    private int pooledThisCycle;
    private boolean closed;

    /**
     * @param random the source of lifetime jitter (a real random generator; tests may seed one)
     * @param wallMillis the wall clock, only for the {@code created=} field of log lines
     */
    public SessionPool(
            PoolConfig config, RandomGenerator random, PoolMetrics metrics, LongSupplier wallMillis, ZoneId zone) {
        this.config = config;
        this.lifetimes = new Lifetimes(config.maxLifetime(), config.lifetimeJitter(), random);
        this.backoff = new DialBackoff(config.initialBackoff(), config.checkInterval());
        this.metrics = metrics;
        this.wallMillis = wallMillis;
        this.zone = zone;
    }

    public PoolConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------------- dialling

    /** A dial for a caller starts; returns false if the pool is closed. */
    public synchronized boolean demandDialStarted() {
        if (closed) {
            return false;
        }
        demandDialing++;
        return true;
    }

    /** A dial for a caller produced {@code session}, busy with the caller's stream from now on. */
    public void demandDialSucceeded(S session, long now) {
        boolean accepted;
        synchronized (this) {
            demandDialing--;
            backoff.succeeded();
            accepted = !closed;
            if (accepted) {
                Slot<S> slot = register(session, now);
                slot.state = State.BUSY;
                busy++;
            }
        }
        metrics.created(SessionOrigin.DEMAND);
        if (!accepted) {
            closeUntracked(session);
        }
    }

    /**
     * An ensure dial produced {@code session}: it joins the idle set. Returns its number within the current cycle
     * (for the {@code [EnsureIdleSession]} log line), or 0 if the pool closed meanwhile and the session was closed.
     */
    public int ensureDialSucceeded(S session, long now) {
        int number = 0;
        synchronized (this) {
            ensureDialing--;
            backoff.succeeded();
            if (!closed) {
                Slot<S> slot = register(session, now);
                slot.state = State.IDLE;
                slot.idleSince = now;
                idle.put(slot.seq, slot);
                number = ++pooledThisCycle;
            }
        }
        metrics.created(SessionOrigin.ENSURE);
        if (number == 0) {
            closeUntracked(session);
        }
        return number;
    }

    /** A dial failed: it is counted and backs the ensure step off. Returns the failures in a row, this one included. */
    public int dialFailed(SessionOrigin origin, long now, Throwable cause) {
        int failures;
        synchronized (this) {
            if (origin == SessionOrigin.DEMAND) {
                demandDialing--;
            } else {
                ensureDialing--;
            }
            backoff.failed(now);
            failures = backoff.failures();
        }
        metrics.dialFailed(origin, cause);
        return failures;
    }

    /** Consecutive failed dials and the time the ensure step may try again (for logs). */
    public synchronized String backoffState(long now) {
        return backoff.active()
                ? backoff.failures() + " failed dials in a row, next attempt in "
                        + PoolLog.duration(Math.max(0, backoff.retryAt() - now))
                : "no failed dials";
    }

    private Slot<S> register(S session, long now) {
        Slot<S> slot = new Slot<>(session, session.seq(), now, lifetimes.draw());
        all.put(session, slot);
        return slot;
    }

    private void closeUntracked(S session) {
        metrics.closed(SessionCloseReason.SHUTDOWN);
        session.retire(SessionCloseReason.SHUTDOWN);
    }

    // ------------------------------------------------------------------------------------------- checkout, checkin

    /**
     * Takes the newest idle session that is alive and within its lifetime, or returns {@code null} (the caller then
     * dials a new one). Expired sessions met on the way are closed unless the age floor protects them.
     */
    public S checkout(long now) {
        List<Slot<S>> expired = new ArrayList<>(0);
        S chosen = null;
        synchronized (this) {
            if (closed) {
                return null;
            }
            Map.Entry<Long, Slot<S>> entry = idle.lastEntry();
            while (entry != null) {
                Map.Entry<Long, Slot<S>> older = idle.lowerEntry(entry.getKey());
                Slot<S> slot = entry.getValue();
                if (!slot.session.isActive()) {
                    // died while idle: out of the idle set now; removed() counts it when its close is reported
                    idle.remove(slot.seq);
                    slot.state = State.DEAD;
                } else if (slot.expired(now)) {
                    if (idle.size() - 1 >= config.minIdleForAge()) {
                        idle.remove(slot.seq);
                        all.remove(slot.session);
                        expired.add(slot);
                    } // else the age floor keeps it open, but it is not handed out
                } else {
                    idle.remove(slot.seq);
                    slot.state = State.BUSY;
                    busy++;
                    chosen = slot.session;
                    break;
                }
                entry = older;
            }
        }
        retire(expired, SessionCloseReason.MAX_AGE);
        return chosen;
    }

    /** A session age cleanup kept past its lifetime, handed out as the last resort, with what a log line needs. */
    public record Kept<S>(S session, long seq, long age, long lifetime) {}

    /**
     * The last resort when no idle session within its lifetime is left and a new session could not be dialled: the
     * newest idle session kept past its lifetime by {@code min_idle_session_for_age} (docs/anytls.md: an expired
     * session is never handed out <em>while</em> an unexpired one or a new dial can serve). {@code null} if there is
     * none. When its stream ends it goes back to the idle set if the age floor still wants it.
     */
    public Kept<S> checkoutKept(long now) {
        synchronized (this) {
            if (closed) {
                return null;
            }
            for (Map.Entry<Long, Slot<S>> entry = idle.lastEntry(); entry != null; ) {
                Map.Entry<Long, Slot<S>> older = idle.lowerEntry(entry.getKey());
                Slot<S> slot = entry.getValue();
                idle.remove(slot.seq);
                if (!slot.session.isActive()) {
                    slot.state = State.DEAD; // removed() counts it when its close is reported
                } else {
                    slot.state = State.BUSY;
                    slot.kept = true;
                    busy++;
                    return new Kept<>(slot.session, slot.seq, now - slot.created, slot.lifetime);
                }
                entry = older;
            }
            return null;
        }
    }

    /**
     * The stream of {@code session} ended: the session becomes idle again if it is alive and within its lifetime; a
     * session past its lifetime is closed now (a busy session is never interrupted, it is retired here); after
     * {@link #close()} every session closes when its stream ends.
     */
    public void checkin(S session, long now) {
        SessionCloseReason closeFor = null;
        synchronized (this) {
            Slot<S> slot = all.get(session);
            if (slot == null || slot.state != State.BUSY) {
                return;
            }
            busy--;
            if (closed) {
                all.remove(session);
                closeFor = SessionCloseReason.SHUTDOWN;
            } else if (!session.isActive()) {
                slot.state = State.DEAD;
            } else if (slot.expired(now) && !(slot.kept && idle.size() < config.minIdleForAge())) {
                all.remove(session);
                closeFor = SessionCloseReason.MAX_AGE;
            } else {
                // within its lifetime, or a last-resort session the age floor still keeps
                slot.state = State.IDLE;
                slot.idleSince = now;
                idle.put(slot.seq, slot);
            }
        }
        if (closeFor != null) {
            metrics.closed(closeFor);
            session.retire(closeFor);
        }
    }

    /**
     * {@code session} closed for {@code reason} (its own account of it). Returns whether the pool lost a session it
     * did not decide to close, so that the owner runs the ensure step to replace it.
     */
    public boolean removed(S session, SessionCloseReason reason) {
        synchronized (this) {
            Slot<S> slot = all.remove(session);
            if (slot == null) {
                return false; // the pool closed it and counted it already, or never tracked it
            }
            if (slot.state == State.IDLE) {
                idle.remove(slot.seq, slot);
            } else if (slot.state == State.BUSY) {
                busy--;
            }
        }
        metrics.closed(reason);
        return true;
    }

    // ---------------------------------------------------------------------------------------------- maintenance

    /** What one {@link #maintain} call did and wants. */
    public record Maintenance(List<Closed> closed, int dials, long nextDelay, List<PoolEvent> events) {
        /** The events as the debug lines they print as. */
        public List<String> log() {
            return events.stream().map(PoolEvent::text).toList();
        }
    }

    /** A session maintenance closed, and why. */
    public record Closed(long seq, SessionCloseReason reason) {}

    /**
     * One housekeeper run at {@code now}. The first call only starts the clock (and the ensure step, so that a pool is
     * warm from the start); then, once per check interval, idle cleanup and age cleanup run; the ensure step runs on
     * every call. Sessions chosen for closing are retired before this returns; {@link Maintenance#dials()} new
     * sessions are counted as dialling and the caller must open them and report each with
     * {@link #ensureDialSucceeded} or {@link #dialFailed}. {@link Maintenance#nextDelay()} is when to call again
     * (the next cycle, or earlier when a back-off retry is due); negative once the pool is closed.
     */
    public Maintenance maintain(long now) {
        List<PoolEvent> log = new ArrayList<>();
        List<Slot<S>> idleExpired = new ArrayList<>(0);
        List<Slot<S>> ageExpired = new ArrayList<>(0);
        int dials;
        long nextDelay;
        synchronized (this) {
            if (closed) {
                return new Maintenance(List.of(), 0, -1, List.of());
            }
            if (!started) {
                started = true;
                startCycle(now);
            } else if (now - nextCleanupAt >= 0) {
                idleCleanup(now, idleExpired, log);
                ageCleanup(now, ageExpired, log);
                startCycle(now);
            }
            dials = ensure(now, log);
            long next = nextCleanupAt;
            if (backoff.active()
                    && ensureDialing == 0
                    && deficit(now) > 0
                    && backoff.retryAt() - now > 0
                    && backoff.retryAt() - next < 0) {
                next = backoff.retryAt();
            }
            nextDelay = Math.max(0, next - now);
        }
        retire(idleExpired, SessionCloseReason.IDLE_TIMEOUT);
        retire(ageExpired, SessionCloseReason.MAX_AGE);
        List<Closed> closedNow = new ArrayList<>(idleExpired.size() + ageExpired.size());
        idleExpired.forEach(s -> closedNow.add(new Closed(s.seq, SessionCloseReason.IDLE_TIMEOUT)));
        ageExpired.forEach(s -> closedNow.add(new Closed(s.seq, SessionCloseReason.MAX_AGE)));
        return new Maintenance(closedNow, dials, nextDelay, log);
    }

    private void startCycle(long now) {
        nextCleanupAt = now + config.checkInterval();
        dialsThisCycle = 0;
        pooledThisCycle = 0;
    }

    /**
     * Closes sessions idle for at least the timeout, walking the idle set newest first and keeping the first
     * {@code min_idle_session}. Sessions beyond those close even when the ensure step then dials
     * replacements: that rotation is the fields' documented interaction (docs/anytls.md), and it replaces idle
     * connections that NATs and servers drop silently. Who wants none sets {@code min_idle_session >=
     * ensure_idle_session}.
     */
    private void idleCleanup(long now, List<Slot<S>> out, List<PoolEvent> log) {
        int keep = config.minIdle();
        int seen = 0;
        int idleLong = 0;
        for (Iterator<Slot<S>> it = idle.descendingMap().values().iterator(); it.hasNext(); ) {
            Slot<S> slot = it.next();
            boolean timedOut = now - slot.idleSince >= config.idleTimeout();
            if (timedOut) {
                idleLong++;
            }
            if (seen++ < keep) {
                continue;
            }
            if (timedOut) {
                it.remove();
                all.remove(slot.session);
                out.add(slot);
            }
        }
        if (out.isEmpty()) {
            return; // nothing closed, nothing to say (protected sessions are kept every cycle)
        }
        log.add(new PoolEvent.IdleCleanup(idleLong, config.idleTimeout(), out.size(), keep, config.minIdle()));
        for (int i = 0; i < out.size(); i++) {
            Slot<S> slot = out.get(i);
            log.add(new PoolEvent.IdleClosed(i + 1, slot.seq, now - slot.idleSince));
        }
    }

    /**
     * Closes idle sessions past their lifetime, oldest first, while more than {@code min_idle_session_for_age} idle
     * sessions remain (all idle sessions count towards that floor, expired or not).
     */
    private void ageCleanup(long now, List<Slot<S>> out, List<PoolEvent> log) {
        if (config.maxLifetime() == 0) {
            return;
        }
        List<Slot<S>> expired = new ArrayList<>();
        for (Slot<S> slot : idle.values()) {
            if (slot.expired(now)) {
                expired.add(slot);
            }
        }
        if (expired.isEmpty()) {
            return;
        }
        expired.sort(Comparator.<Slot<S>>comparingLong(s -> s.created - now).thenComparingLong(s -> s.seq));
        int closable = Math.max(0, idle.size() - config.minIdleForAge());
        int closing = Math.min(expired.size(), closable);
        log.add(new PoolEvent.AgeCleanup(expired.size(), closing, config.minIdleForAge()));
        long wall = wallMillis.getAsLong();
        for (int i = 0; i < closing; i++) {
            Slot<S> slot = expired.get(i);
            idle.remove(slot.seq);
            all.remove(slot.session);
            out.add(slot);
            long age = now - slot.created;
            log.add(new PoolEvent.AgeClosed(i + 1, slot.seq, age, slot.lifetime, wall - age / 1_000_000, zone));
        }
    }

    /** Idle sessions a checkout could hand out now, plus ensure dials in flight, short of the target. */
    private int deficit(long now) {
        if (config.ensureIdle() == 0) {
            return 0;
        }
        return config.ensureIdle() - usableIdle(now) - ensureDialing;
    }

    private int usableIdle(long now) {
        int usable = 0;
        for (Slot<S> slot : idle.values()) {
            if (!slot.expired(now) && slot.session.isActive()) {
                usable++;
            }
        }
        return usable;
    }

    /**
     * Dials {@code min(deficit, rate budget left in this cycle)} sessions; while dials are failing, one probe at a
     * time once the back-off delay has passed.
     */
    private int ensure(long now, List<PoolEvent> log) {
        if (config.ensureIdle() == 0) {
            return 0;
        }
        int usable = usableIdle(now);
        int deficit = config.ensureIdle() - usable - ensureDialing;
        if (deficit <= 0) {
            return 0;
        }
        int target = config.ensureIdle();
        if (backoff.active()) {
            if (ensureDialing > 0 || !backoff.ready(now)) {
                log.add(new PoolEvent.EnsureBackingOff(
                        usable,
                        ensureDialing,
                        target,
                        deficit,
                        backoff.failures(),
                        ensureDialing > 0,
                        Math.max(0, backoff.retryAt() - now)));
                return 0;
            }
        }
        int create = deficit;
        boolean rateLimited = false;
        if (config.createRate() > 0) {
            int budget = Math.max(0, config.createRate() - dialsThisCycle);
            if (budget < create) {
                create = budget;
                rateLimited = true;
            }
        }
        if (backoff.active() && create > 1) {
            create = 1;
        }
        if (create == 0) {
            log.add(new PoolEvent.EnsureRateLimitReached(usable, ensureDialing, target, deficit, config.createRate()));
            return 0;
        }
        if (backoff.active()) {
            log.add(new PoolEvent.EnsureProbing(usable, ensureDialing, target, deficit, backoff.failures()));
        } else if (rateLimited) {
            log.add(new PoolEvent.EnsureRateLimited(usable, ensureDialing, target, deficit, create));
        } else {
            log.add(new PoolEvent.EnsureCreating(usable, ensureDialing, target, create));
        }
        ensureDialing += create;
        dialsThisCycle += create;
        return create;
    }

    // ------------------------------------------------------------------------------------------ closing, inspection

    /**
     * Closes the pool: idle sessions are closed now, busy ones when their stream ends, sessions still being dialled
     * when they arrive. Returns the number of idle sessions closed.
     */
    public int close() {
        List<Slot<S>> idleNow;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            closed = true;
            idleNow = new ArrayList<>(idle.values());
            idle.clear();
            for (Slot<S> slot : idleNow) {
                all.remove(slot.session);
            }
        }
        retire(idleNow, SessionCloseReason.SHUTDOWN);
        return idleNow.size();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** A snapshot of the gauges and counters. */
    public PoolStats stats() {
        int idleCount;
        int busyCount;
        int dialing;
        int total;
        synchronized (this) {
            idleCount = idle.size();
            busyCount = busy;
            dialing = demandDialing + ensureDialing;
            total = all.size();
        }
        return metrics.snapshot(idleCount, busyCount, dialing, total);
    }

    /** Sequence numbers of the idle sessions, newest first. */
    public synchronized List<Long> idleSeqs() {
        return new ArrayList<>(idle.descendingKeySet());
    }

    /** Open sessions the pool tracks (idle, busy, and those that died but have not reported it yet). */
    public synchronized int size() {
        return all.size();
    }

    /** The lifetime drawn for {@code session}, or -1 if the pool does not track it. */
    public synchronized long lifetimeOf(S session) {
        Slot<S> slot = all.get(session);
        return slot == null ? -1 : slot.lifetime;
    }

    private void retire(List<Slot<S>> slots, SessionCloseReason reason) {
        for (Slot<S> slot : slots) {
            metrics.closed(reason);
            slot.session.retire(reason);
        }
    }

    private enum State {
        IDLE,
        BUSY,
        DEAD
    }

    /** The pool's record of one session; guarded by the pool's lock. */
    private static final class Slot<S> {
        final S session;
        final long seq;
        final long created;
        final long lifetime;
        State state;
        long idleSince;
        /** Handed out past its lifetime as the last resort: the age floor kept it, and may keep it again. */
        boolean kept;

        Slot(S session, long seq, long created, long lifetime) {
            this.session = session;
            this.seq = seq;
            this.created = created;
            this.lifetime = lifetime;
        }

        boolean expired(long now) {
            return now - created >= lifetime;
        }
    }
}
