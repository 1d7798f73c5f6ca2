package io.github.proxycore.anytls;

/**
 * A snapshot of an AnyTLS outbound's session pool. Gauges describe the moment of the snapshot; counters count from
 * the creation of the outbound.
 *
 * @param idle sessions waiting in the idle set
 * @param busy sessions carrying a stream
 * @param dialing sessions being opened (on demand and by the ensure step)
 * @param total open sessions the pool tracks ({@code idle + busy})
 * @param createdOnDemand sessions opened because a dial found no usable idle session
 * @param createdByEnsure sessions opened by the ensure step ({@code ensure_idle_session})
 * @param dialsFailed attempts to open a session that failed (both origins)
 * @param closedIdleTimeout sessions closed by idle cleanup
 * @param closedMaxAge sessions closed for their lifetime (idle cleanup, at checkout, or when their stream ended)
 * @param closedHeartbeatTimeout sessions closed because the server stopped answering heartbeats
 * @param closedRemote sessions the server or the network closed
 * @param closedError sessions closed by a local error (I/O, TLS, malformed frames, the SYNACK watchdog)
 * @param closedShutdown sessions closed because the outbound was closed
 * @param streamsOpened streams handed to callers
 * @param streamsFailed dials that failed for the caller
 * @param streamsRetried streams transparently retried once on a fresh session
 */
public record PoolStats(
        int idle,
        int busy,
        int dialing,
        int total,
        long createdOnDemand,
        long createdByEnsure,
        long dialsFailed,
        long closedIdleTimeout,
        long closedMaxAge,
        long closedHeartbeatTimeout,
        long closedRemote,
        long closedError,
        long closedShutdown,
        long streamsOpened,
        long streamsFailed,
        long streamsRetried) {

    /** {@return the number of sessions created, both origins} */
    public long created() {
        return createdOnDemand + createdByEnsure;
    }

    /**
     * Sessions closed for {@code reason}.
     *
     * @param reason the reason
     * @return the count
     */
    public long closed(SessionCloseReason reason) {
        return switch (reason) {
            case IDLE_TIMEOUT -> closedIdleTimeout;
            case MAX_AGE -> closedMaxAge;
            case HEARTBEAT_TIMEOUT -> closedHeartbeatTimeout;
            case REMOTE -> closedRemote;
            case ERROR -> closedError;
            case SHUTDOWN -> closedShutdown;
        };
    }
}
