package io.github.proxycore.loadbalance.group;

import io.github.proxycore.loadbalance.Chains;
import io.github.proxycore.loadbalance.internal.ConnectionTracker;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Outbound;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections a group handed out, per member, so that a change of selection can close those through the
 * other members ({@code interrupt_exist_connections}); and the chain each connection records.
 */
final class GroupConnections {
    private final String group;
    private final Map<String, ConnectionTracker> byMember = new ConcurrentHashMap<>();

    GroupConnections(String group, List<String> members) {
        this.group = group;
        for (String member : members) {
            byMember.put(member, new ConnectionTracker());
        }
    }

    /**
     * Tracks the channel {@code dial} yields once it is up, before the caller sees it (listeners run in the order
     * they were added).
     */
    Future<Channel> track(Outbound member, Future<Channel> dial, Metadata metadata) {
        dial.addListener(f -> {
            if (f.isSuccess()) {
                Channel channel = (Channel) f.getNow();
                Chains.picked(channel, group, member.tag());
                byMember.get(member.tag()).add(channel, metadata.external());
            }
        });
        return dial;
    }

    /** Open connections through {@code member}. */
    int count(String member) {
        ConnectionTracker tracker = byMember.get(member);
        return tracker == null ? 0 : tracker.size();
    }

    /**
     * Closes the connections through every member but those in {@code keep}: the application's own always, inbound
     * ones when {@code includeExternal} (as sing-box's {@code interrupt_exist_connections}).
     *
     * @return how many were closed
     */
    int interruptAllBut(List<String> keep, boolean includeExternal) {
        int closed = 0;
        for (Map.Entry<String, ConnectionTracker> e : byMember.entrySet()) {
            if (!keep.contains(e.getKey())) {
                closed += e.getValue().interrupt(includeExternal);
            }
        }
        return closed;
    }
}
