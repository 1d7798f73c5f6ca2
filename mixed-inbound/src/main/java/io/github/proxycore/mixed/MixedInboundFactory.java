package io.github.proxycore.mixed;

import io.github.proxycore.config.inbound.InboundOptions;
import io.github.proxycore.config.inbound.MixedInboundOptions;
import io.github.proxycore.outbound.inbound.Inbound;
import io.github.proxycore.outbound.inbound.InboundContext;
import io.github.proxycore.outbound.inbound.InboundFactory;

/** Starts {@code mixed} inbounds; registered through {@code META-INF/services}. */
public final class MixedInboundFactory implements InboundFactory {
    @Override
    public String type() {
        return MixedInboundOptions.TYPE;
    }

    @Override
    public Inbound start(InboundOptions options, InboundContext context) throws InterruptedException {
        return MixedInbound.start((MixedInboundOptions) options, context);
    }
}
