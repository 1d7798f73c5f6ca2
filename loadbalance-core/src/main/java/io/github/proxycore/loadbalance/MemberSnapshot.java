package io.github.proxycore.loadbalance;

import java.time.Duration;
import java.time.Instant;

/**
 * One member of a load balancer as observed at one moment.
 *
 * @param tag the member outbound's tag
 * @param tier its tier
 * @param health unknown (not checked yet), healthy, unhealthy, or recovering (passing again, not serving until it
 *     has passed {@code hysteresis.rise} checks in a row)
 * @param lastLatency the latency of its last successful check, or {@code null} if none succeeded yet
 * @param lastError why its last check or dial failed, or {@code null} if it is healthy (or nothing ran); a
 *     recovering member keeps the error that took it down
 * @param inTopN whether it is among the fastest {@code top_n} usable members of its tier
 * @param active whether new connections may go to it now
 * @param openConnections connections handed out through it that are still open
 * @param lastCheckTime when its last successful check ended, or {@code null} if none succeeded yet
 */
public record MemberSnapshot(
        String tag,
        Tier tier,
        MemberHealth health,
        Duration lastLatency,
        String lastError,
        boolean inTopN,
        boolean active,
        int openConnections,
        Instant lastCheckTime) {

    /**
     * A snapshot without a check time, as before check times were recorded.
     *
     * @param tag the member outbound's tag
     * @param tier its tier
     * @param health its health
     * @param lastLatency the latency of its last successful check, or {@code null}
     * @param lastError why its last check or dial failed, or {@code null}
     * @param inTopN whether it is among the fastest {@code top_n}
     * @param active whether new connections may go to it now
     * @param openConnections connections handed out through it that are still open
     */
    public MemberSnapshot(
            String tag,
            Tier tier,
            MemberHealth health,
            Duration lastLatency,
            String lastError,
            boolean inTopN,
            boolean active,
            int openConnections) {
        this(tag, tier, health, lastLatency, lastError, inTopN, active, openConnections, null);
    }

    /** {@return whether its last check succeeded} */
    public boolean healthy() {
        return health == MemberHealth.HEALTHY;
    }
}
