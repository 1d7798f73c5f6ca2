package io.github.proxycore.anytls.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's sessions and the reference reuse rules (PROTOCOL.md §11, SPEC §3): a session carries one stream at
 * a time; checkout takes the newest (highest sequence number) idle session; a session goes back to the idle set when
 * its stream ends and it is still alive; cleanup closes sessions idle longer than the timeout except the
 * {@code minIdle} newest idle ones. Durations are used as configured.
 *
 * <p>Thread-safe; the clock is passed in, so {@link #expired(long)} is a pure function of the state and {@code now}.
 */
public final class SessionPool implements SessionListener {
    private final long idleTimeoutNanos;
    private final int minIdle;
    private final NavigableMap<Long, ClientSession> idle = new TreeMap<>();
    private final Map<ClientSession, Boolean> all = new ConcurrentHashMap<>();
    private final java.util.function.LongSupplier clock;
    private volatile boolean closed;

    public SessionPool(java.util.function.LongSupplier clock, long idleTimeoutNanos, int minIdle) {
        this.clock = clock;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.minIdle = minIdle;
    }

    /** Registers a new session, busy with its first stream. */
    public void add(ClientSession session) {
        all.put(session, Boolean.TRUE);
    }

    /** Takes the newest idle session that is still alive, or returns {@code null}. */
    public synchronized ClientSession take() {
        for (Map.Entry<Long, ClientSession> e = idle.pollLastEntry(); e != null; e = idle.pollLastEntry()) {
            if (e.getValue().isActive()) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public void streamClosed(ClientSession session) {
        if (closed) {
            session.close(); // the owner closed: busy sessions end with their stream instead of idling
            return;
        }
        if (session.isActive() && all.containsKey(session)) {
            session.idleSince(clock.getAsLong());
            synchronized (this) {
                idle.put(session.seq(), session);
            }
        }
    }

    @Override
    public void sessionClosed(ClientSession session) {
        all.remove(session);
        synchronized (this) {
            idle.remove(session.seq(), session);
        }
    }

    /**
     * Removes and returns the idle sessions due for closing at {@code now}: idle for at least the timeout and not
     * among the {@code minIdle} newest idle sessions.
     */
    public synchronized List<ClientSession> expired(long now) {
        List<ClientSession> out = new ArrayList<>();
        int kept = 0;
        for (ClientSession session : new ArrayList<>(idle.descendingMap().values())) {
            if (kept < minIdle) {
                kept++;
                continue;
            }
            if (now - session.idleSinceNanos() >= idleTimeoutNanos) {
                idle.remove(session.seq());
                out.add(session);
            }
        }
        return out;
    }

    /** Sequence numbers of the idle sessions, newest first (for tests and snapshots). */
    public synchronized List<Long> idleSeqs() {
        return new ArrayList<>(idle.descendingKeySet());
    }

    /** How many sessions are open (idle and busy). */
    public int size() {
        return all.size();
    }

    /**
     * Closes the pool: returns the idle sessions, for closing; busy ones are closed when their stream ends, so
     * streams already handed out keep working.
     */
    public synchronized List<ClientSession> close() {
        closed = true;
        List<ClientSession> out = new ArrayList<>(idle.values());
        idle.clear();
        return Collections.unmodifiableList(out);
    }

    public boolean isClosed() {
        return closed;
    }
}
