package io.github.proxycore.loadbalance;

import java.util.List;

/**
 * Hears what a load balancer decides: each finished health check, and each change of the members new connections
 * may go to. Attach one to balancers built from a configuration with
 * {@code Outbounds.builder(config.outbounds()).listeners(BalancerListener.class, tag -> listener)}, or to one built by
 * the host with {@code OutboundContext.builder(transport).listeners(BalancerListener.class, tag -> listener)}.
 *
 * <p>Calls come from the balancer's serialized context, one at a time and in order; keep them short and never block
 * (hand work to another thread). A listener that throws is logged and otherwise ignored.
 */
public interface BalancerListener {
    /** Hears nothing. */
    BalancerListener NONE = new BalancerListener() {};

    /**
     * A health check of {@code member} finished.
     *
     * @param balancer the load balancer's tag
     */
    default void checked(String balancer, String member, CheckResult result) {}

    /**
     * The members new connections may go to changed (a member became usable or unusable, or the tier switched).
     *
     * @param balancer the load balancer's tag
     * @param state the tier serving new connections
     * @param activeMembers the tags of the members new connections may go to now, in configuration order
     * @param reason what caused the change, in words (for a log line)
     */
    default void activeChanged(String balancer, Tier state, List<String> activeMembers, String reason) {}
}
