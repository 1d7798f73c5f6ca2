package io.github.proxycore.loadbalance;

/**
 * What the balancer knows of a member's health (docs/loadbalance.md: healthy, unhealthy, recovering).
 *
 * <pre>
 *   UNKNOWN --pass--> HEALTHY --fail (check or member's dial)--> UNHEALTHY --pass--> RECOVERING --rise passes--> HEALTHY
 *   UNKNOWN --fail--> UNHEALTHY                                  RECOVERING --fail--> UNHEALTHY
 * </pre>
 */
public enum MemberHealth {
    /** Not checked yet (bootstrap): the member is a candidate. */
    UNKNOWN,
    /** Its last check succeeded, and it has not failed since it last came back: it serves. */
    HEALTHY,
    /** Its last health check, or a real dial through it, failed because of the member: it does not serve. */
    UNHEALTHY,
    /**
     * It was unhealthy and has passed its latest checks, fewer than {@code hysteresis.rise} in a row so far: it does
     * not serve yet.
     */
    RECOVERING;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
