package io.github.proxycore.loadbalance;

/** What the balancer knows of a member's health. */
public enum MemberHealth {
    /** Not checked yet (bootstrap): the member is a candidate. */
    UNKNOWN,
    /** Its last health check succeeded. */
    HEALTHY,
    /** Its last health check, or a real dial through it, failed. */
    UNHEALTHY;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
