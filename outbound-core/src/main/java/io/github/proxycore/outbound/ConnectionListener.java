package io.github.proxycore.outbound;

import io.netty.channel.Channel;

/**
 * Hears the connections an outbound opens: each dial's outcome and the end of each connection it made. Attach one to
 * the outbounds built from a configuration with
 * {@code Outbounds.builder(options).listeners(ConnectionListener.class, tag -> listener)}, or to those a host builds
 * with {@code OutboundContext.builder(transport).listeners(ConnectionListener.class, tag -> listener)}. The direct,
 * AnyTLS and load-balance outbounds report to it; a connection through a load balancer is reported by the balancer and
 * by the member that carried it, each under its own tag.
 *
 * <p>Calls come from event loops (or the thread that closed the outbound): keep them short and never block. A listener
 * that throws is logged and otherwise ignored.
 */
public interface ConnectionListener {
    /** Hears nothing. */
    ConnectionListener NONE = new ConnectionListener() {};

    /**
     * A dial succeeded.
     *
     * @param outbound the outbound's tag
     * @param channel the connection (the caller's; do not read from it here)
     */
    default void connected(String outbound, Destination destination, Channel channel) {}

    /** A dial failed ({@code cause} is the {@link DialException} the caller sees). */
    default void dialFailed(String outbound, Destination destination, Throwable cause) {}

    /** A connection reported by {@link #connected} closed. */
    default void closed(String outbound, Destination destination, Channel channel) {}
}
