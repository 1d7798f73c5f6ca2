package io.github.proxycore.loadbalance;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbounds a connection went through, recorded on its channel by the group outbounds (loadbalance, selector,
 * urltest) that picked a member for it, so that status pages can show it (the Clash API's {@code chains}).
 *
 * <p>The chain lists the innermost outbound first and the group the route named last, as sing-box's Clash API
 * does: a connection routed to {@code lb}, which picked {@code proxy-a}, has the chain {@code [proxy-a, lb]}.
 */
public final class Chains {
    private static final AttributeKey<List<String>> CHAIN = AttributeKey.valueOf("io.github.proxycore.chain");

    private Chains() {}

    /**
     * Records that {@code group} handed out {@code channel}, which its member {@code member} dialled. Call it before
     * the group's caller sees the channel.
     *
     * @param channel the dialled channel
     * @param group the group's tag
     * @param member the tag of the member that dialled it
     */
    public static void picked(Channel channel, String group, String member) {
        List<String> inner = channel.attr(CHAIN).get();
        List<String> chain = new ArrayList<>(inner == null ? 2 : inner.size() + 1);
        if (inner == null) {
            chain.add(member);
        } else {
            chain.addAll(inner);
        }
        chain.add(group);
        channel.attr(CHAIN).set(List.copyOf(chain));
    }

    /**
     * The chain of a channel that {@code outbound} handed out: what its groups recorded, or just {@code outbound}
     * when it is not a group.
     *
     * @param channel the channel {@code outbound} handed out
     * @param outbound the tag of the outbound that was dialled
     * @return the tags, innermost first
     */
    public static List<String> of(Channel channel, String outbound) {
        List<String> chain = channel.attr(CHAIN).get();
        return chain == null ? List.of(outbound) : chain;
    }
}
