package io.github.proxycore.outbound.internal;

import io.github.proxycore.config.outbound.BlockOutboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.outbound.BlockOutbound;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;

/** Builds {@code block} outbounds; registered with {@link java.util.ServiceLoader} like every other type. */
public final class BlockOutboundFactory implements OutboundFactory {
    @Override
    public String type() {
        return BlockOutboundOptions.TYPE;
    }

    @Override
    public Outbound create(OutboundOptions options, OutboundContext context) {
        return new BlockOutbound(options.tag());
    }
}
