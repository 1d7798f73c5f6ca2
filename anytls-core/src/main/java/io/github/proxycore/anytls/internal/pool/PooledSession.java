package io.github.proxycore.anytls.internal.pool;

import io.github.proxycore.anytls.SessionCloseReason;

/** What the {@link SessionPool} needs of a session: its creation order, whether it is alive, and a way to close it. */
public interface PooledSession {
    /** Creation order within the outbound, from 1: the pool hands out the highest idle one first. */
    long seq();

    /** Whether the session can still carry a stream. */
    boolean isActive();

    /** Closes the session for {@code reason}; callable from any thread, may complete later on its event loop. */
    void retire(SessionCloseReason reason);
}
