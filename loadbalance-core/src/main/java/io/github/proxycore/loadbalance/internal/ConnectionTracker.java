package io.github.proxycore.loadbalance.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections the balancer handed out through one member (or its direct fallback), so that they can be
 * closed when the member leaves the active set ({@code interrupt_exist_connections}). A channel leaves the tracker
 * when it closes.
 */
public final class ConnectionTracker {
    /** Channel → whether it is external (came from an inbound). */
    private final Map<Channel, Boolean> channels = new ConcurrentHashMap<>();

    private final ChannelFutureListener remover = future -> channels.remove(future.channel());

    /** Tracks {@code channel} until it closes. */
    public void add(Channel channel, boolean external) {
        channels.put(channel, external);
        // added after the put, so a channel that is already closed is removed at once
        channel.closeFuture().addListener(remover);
    }

    public int size() {
        return channels.size();
    }

    /**
     * Closes the tracked connections: internal ones always, external ones only when {@code includeExternal}.
     *
     * @return how many were closed
     */
    public int interrupt(boolean includeExternal) {
        int closed = 0;
        for (Map.Entry<Channel, Boolean> entry : channels.entrySet()) {
            if (!entry.getValue() || includeExternal) {
                entry.getKey().close();
                closed++;
            }
        }
        return closed;
    }
}
