package io.github.proxycore.loadbalance.group;

import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.config.outbound.SelectorOutboundOptions;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;

/** Builds {@code selector} outbounds; registered for {@link java.util.ServiceLoader}. */
public final class SelectorOutboundFactory implements OutboundFactory {

    @Override
    public String type() {
        return SelectorOutboundOptions.TYPE;
    }

    @Override
    public Outbound create(OutboundOptions options, OutboundContext context) {
        if (!(options instanceof SelectorOutboundOptions selector)) {
            throw new IllegalArgumentException("not selector options: " + options.type());
        }
        return SelectorOutbound.create(selector, context);
    }
}
