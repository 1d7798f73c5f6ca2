package io.github.proxycore.outbound.internal;

import io.github.proxycore.config.outbound.DirectOutboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;

/** Builds {@code direct} outbounds; registered with {@link java.util.ServiceLoader} like every other type. */
public final class DirectOutboundFactory implements OutboundFactory {
    @Override
    public String type() {
        return DirectOutboundOptions.TYPE;
    }

    @Override
    public Outbound create(OutboundOptions options, OutboundContext context) {
        return DirectOutbound.create((DirectOutboundOptions) options, context);
    }
}
