package io.github.proxycore.outbound.inbound;

import io.github.proxycore.config.inbound.InboundOptions;

/**
 * Starts the inbounds of one configuration {@code type}, found through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.github.proxycore.outbound.inbound.InboundFactory} entry). Like
 * {@link io.github.proxycore.outbound.OutboundFactory}, it may throw
 * {@link io.github.proxycore.config.ConfigException} with paths relative to the inbound.
 */
public interface InboundFactory {

    /** {@return the {@code type} this factory starts, e.g. {@code mixed}} */
    String type();

    /**
     * Binds and starts an inbound; returns once it listens. Blocks for the bind, so call it from a plain thread,
     * never from an event loop.
     *
     * @param options the inbound's options, of this factory's type
     * @param context the event loops and the router
     * @return the running inbound
     * @throws Exception if it cannot listen (the address is in use, a certificate does not load)
     */
    Inbound start(InboundOptions options, InboundContext context) throws Exception;
}
