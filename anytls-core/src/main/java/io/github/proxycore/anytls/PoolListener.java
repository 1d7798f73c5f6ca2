package io.github.proxycore.anytls;

/**
 * Events of an AnyTLS outbound's session pool, for metrics (a Micrometer binder, counters of one's own). Every method
 * has a no-op default. Calls come from event-loop and housekeeper threads, never under the pool's lock; they must be
 * quick and must not block. Gauges (idle, busy, dialing) are best read from {@link AnyTlsOutbound#poolStats()}.
 */
public interface PoolListener {
    /** A listener that ignores everything. */
    PoolListener NONE = new PoolListener() {};

    /**
     * A session was opened (TCP, TLS and authentication done) and joined the pool.
     *
     * @param origin why it was opened
     */
    default void sessionCreated(SessionOrigin origin) {}

    /**
     * A session of the pool closed.
     *
     * @param reason why
     */
    default void sessionClosed(SessionCloseReason reason) {}

    /**
     * Opening a session failed (a refused connection, a TLS failure, ...).
     *
     * @param origin why it was being opened
     * @param cause the failure
     */
    default void dialFailed(SessionOrigin origin, Throwable cause) {}

    /** A stream was opened and handed to the caller. */
    default void streamOpened() {}

    /**
     * A dial failed for the caller (after the one transparent retry, where it applies).
     *
     * @param cause the failure the caller got
     */
    default void streamFailed(Throwable cause) {}

    /** A stream on a session from the idle set found it dead before any reply and was retried on a fresh session. */
    default void streamRetried() {}
}
