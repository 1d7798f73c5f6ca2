package io.github.proxycore.anytls.internal.pool;

import io.github.proxycore.anytls.SessionCloseReason;

/**
 * What the {@link SessionPool} needs of a session: its creation order, whether it is alive, whether it runs on the
 * calling thread, and a way to close it.
 */
public interface PooledSession {
    /** Creation order within the outbound, from 1: the pool hands out the highest idle one first. */
    long seq();

    /** Whether the session can still carry a stream. */
    boolean isActive();

    /**
     * Whether the session's event loop is the calling thread. Checkout prefers such a session: a stream on the
     * caller's own loop opens without a task for another thread, and relays to the caller's channel without one.
     */
    default boolean inCallersLoop() {
        return false;
    }

    /** Closes the session for {@code reason}; callable from any thread, may complete later on its event loop. */
    void retire(SessionCloseReason reason);
}
