package io.github.proxycore.loadbalance;

import java.time.Duration;

/**
 * One member of a load balancer as observed at one moment.
 *
 * @param tag the member outbound's tag
 * @param tier its tier
 * @param health unknown (not checked yet), healthy or unhealthy
 * @param lastLatency the latency of its last successful check, or {@code null} if none succeeded yet
 * @param lastError why its last check or dial failed, or {@code null} if the last one succeeded (or none ran)
 * @param inTopN whether it is among the fastest {@code top_n} usable members of its tier
 * @param active whether new connections may go to it now
 * @param openConnections connections handed out through it that are still open
 */
public record MemberSnapshot(
        String tag,
        Tier tier,
        MemberHealth health,
        Duration lastLatency,
        String lastError,
        boolean inTopN,
        boolean active,
        int openConnections) {

    /** Whether its last check succeeded. */
    public boolean healthy() {
        return health == MemberHealth.HEALTHY;
    }
}
