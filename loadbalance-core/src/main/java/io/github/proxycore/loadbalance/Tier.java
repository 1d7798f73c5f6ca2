package io.github.proxycore.loadbalance;

/** The two tiers of a load balancer's members, and the tier its hysteresis state prefers. */
public enum Tier {
    /** {@code primary_outbounds}: used whenever one of them is usable. */
    PRIMARY,
    /** {@code backup_outbounds}: used when no primary is (HAProxy's backup servers). */
    BACKUP;

    /** {@code primary} or {@code backup}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
